/**
 * Counts client connections the way the operating system sees them: the postmaster forks
 * one backend process per connection, before the client has even logged in. PostgreSQL 17's
 * pg_stat_activity lists a backend only once it has logged in, so during a connection storm
 * it may show a handful while a hundred backends are still authenticating. Linux only
 * (reads /proc); elsewhere the count is unknown.
 */
import fs from 'node:fs';
import { childPids } from '../os/processes.js';

/**
 * Child processes of the postmaster that serve a client connection, leaving out background
 * workers (checkpointer, walwriter, autovacuum …) and the given pids (the lab's own).
 * Undefined when /proc cannot tell (not Linux, or the postmaster is gone).
 */
export function clientBackendProcesses(postmasterPid: number, excludePids: ReadonlySet<number> = new Set()): number | undefined {
  const children = childPids(postmasterPid);
  if (!children) return undefined;
  let count = 0;
  for (const pid of children) {
    if (excludePids.has(pid)) continue;
    const title = processTitle(pid);
    if (title !== undefined && isClientBackendTitle(title)) count += 1;
  }
  return count;
}

/**
 * A backend sets its process title to "postgres: user database host(port) state" as soon
 * as it has read the client's start-up packet; until then it still carries the
 * postmaster's own command line ("…/postgres -D …"). Background workers are titled
 * "postgres: checkpointer" and the like: no host(port). An exited child has an empty title.
 */
export function isClientBackendTitle(title: string): boolean {
  if (title === '') return false;
  if (!title.startsWith('postgres: ')) return true;
  return /\S+\(\d+\)/.test(title) || title.includes('[local]');
}

function processTitle(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return undefined;
  }
}
