/**
 * Section 3: the database's own ceiling for the scenario's hottest query (its definition's
 * `bench.hotQuery`) in the solved state, measured by pgbench (PostgreSQL's benchmark client).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sampleCpu } from './cpu.js';

const run = promisify(execFile);

export interface PgbenchResult {
  clients: number;
  seconds: number;
  transactionsPerSecond: number;
  /** CPU per transaction in microseconds: PostgreSQL's, and the pgbench client's (Linux only); null where the system cannot tell. */
  postgresMicrosPerTransaction: number | null;
  clientMicrosPerTransaction: number | null;
}

/** Reads "tps = 8123.456789 (without initial connection time)" from pgbench's report. */
export function parsePgbenchTps(output: string): number {
  const match = output.match(/^tps = ([\d.]+) \(without initial connection time\)/m);
  if (!match) throw new Error(`pgbench printed no tps line:\n${output}`);
  return Number(match[1]);
}

/** Whether pgbench is installed (Debian: postgresql-client). */
export async function hasPgbench(): Promise<boolean> {
  try {
    await run('pgbench', ['--version']);
    return true;
  } catch {
    return false;
  }
}

export async function measurePgbench(databaseUrl: string, query: string, clients: number, seconds: number, postmasterPid?: number): Promise<PgbenchResult> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pgbench-'));
  const script = path.join(folder, 'hot-query.sql');
  fs.writeFileSync(script, `${query};\n`);
  try {
    const url = new URL(databaseUrl);
    const before = postmasterPid === undefined ? undefined : sampleCpu(undefined, postmasterPid);
    const { stdout } = await run(
      'pgbench',
      ['--no-vacuum', `--client=${clients}`, `--jobs=${Math.min(clients, os.cpus().length)}`, `--time=${seconds}`, `--file=${script}`, '--host=127.0.0.1', `--port=${url.port}`, `--username=${decodeURIComponent(url.username)}`, url.pathname.slice(1)],
      { env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) }, timeout: (seconds + 30) * 1000 },
    );
    const transactionsPerSecond = parsePgbenchTps(stdout);
    const transactions = transactionsPerSecond * seconds;
    const after = postmasterPid === undefined ? undefined : sampleCpu(undefined, postmasterPid);
    if (before === undefined || after === undefined) {
      return { clients, seconds, transactionsPerSecond, postgresMicrosPerTransaction: null, clientMicrosPerTransaction: null };
    }
    // pgbench is a child this process waited for: its CPU lands in our children's time (Linux shows it).
    const client = before.reapedChildren === undefined || after.reapedChildren === undefined ? null : after.reapedChildren - before.reapedChildren;
    return {
      clients,
      seconds,
      transactionsPerSecond,
      postgresMicrosPerTransaction: ((after.postgres - before.postgres) / transactions) * 1e6,
      clientMicrosPerTransaction: client === null ? null : (client / transactions) * 1e6,
    };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
