/**
 * PostgreSQL refuses to run as root. When the lab runs as root (containers, CI), the
 * server runs as an unprivileged `postgres` OS user, created on first use.
 */
import { execFileSync } from 'node:child_process';

export interface ProcessIdentity {
  uid: number;
  gid: number;
}

const POSTGRES_OS_USER = 'postgres';

function lookUpIds(user: string): ProcessIdentity | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * The identity to run PostgreSQL under: undefined for a normal user (run as yourself),
 * the `postgres` OS user when running as root (created if it does not exist yet).
 */
export function postgresIdentity(): ProcessIdentity | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const existing = lookUpIds(POSTGRES_OS_USER);
  if (existing) return existing;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', POSTGRES_OS_USER], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `Running as root, PostgreSQL needs an OS user named "${POSTGRES_OS_USER}" and creating it failed. ` +
        `Create it yourself (useradd ${POSTGRES_OS_USER}) or run the lab as a normal user.`,
      { cause: error },
    );
  }
  const created = lookUpIds(POSTGRES_OS_USER);
  if (!created) throw new Error(`Created OS user "${POSTGRES_OS_USER}" but cannot read its uid/gid.`);
  return created;
}
