/**
 * The lab exporter: what PostgreSQL and the app look like from outside, as Prometheus
 * metrics on the lab server's /metrics. Its own prom-client registry, so the lab's numbers
 * never mix with the app's. One call to `collect()` takes a reading (the lab server does
 * this every second); a Prometheus scrape returns the latest reading.
 *
 * Besides PostgreSQL and the app's health, it passes on what the running load test's users
 * got (from its in-progress file: timeouts and lost connections the app never counts),
 * whether `npm run check` is sending load, and the machine's cores.
 *
 * What each mode can see:
 * - embedded: everything, including refused connections (from the server log the lab writes).
 * - external (DATABASE_URL): only what PostgreSQL's statistics views show: no
 *   lab_db_connections_refused_total, and connections logging in only from PostgreSQL 18 on.
 */
import client from 'prom-client';
import type { Sample } from '../metrics/prometheus-text.js';
import { readCheckLoads } from '../check/load-marks.js';
import { RefusedConnectionsLog } from '../database/refused-connections.js';
import { LOGGING_IN } from '../database/stats.js';
import type { StatementsReading } from '../database/pg-stat-statements.js';
import { machineCores } from '../os/machine.js';
import { readInProgress } from '../runs/run-store.js';
import type { InProgressTally } from '../runs/run-record.js';
import { DatabaseReader } from './database-reader.js';

export interface LabExporterOptions {
  adminUrl: string;
  /** The scenario's tables (its definition's database.tables): rows read are counted for each. */
  tables: readonly string[];
  /** Pass on this role's statements from pg_stat_statements (scenarios with database.statements). */
  statementsOfRole?: string;
  /** Embedded mode: the server log to count refusals in. */
  postgresLogFile?: string;
  /** The app's health endpoint, probed on every collect. */
  appHealthUrl: string;
  /** Present while a load test runs (lab/runs/run-record.ts). */
  inProgressRunFile: string;
  /** Where `npm run check` marks the load it sends (lab/check/load-marks.ts). */
  checkLoadsFile: string;
  /** The names of the fleet's processes now ("app-1", "worker-2"): their connections are counted apart. */
  processNames?: () => string[];
}

// Generous on purpose: under a connection storm the app's event loop is slow, and a
// busy app is not a crashed one. Longer than this and users would call it down too.
const HEALTH_TIMEOUT_MS = 2_000;

export class LabExporter {
  readonly registry = new client.Registry();
  private readonly reader: DatabaseReader;
  private readonly refusedLog: RefusedConnectionsLog | undefined;
  private readonly counterBases = new Map<string, number>();
  /** When pg_stat_statements last started over, as of the latest reading; undefined before the first. */
  private statementsResetAt: string | undefined;

  private readonly appUp = this.gauge(
    'lab_app_up',
    'The app\'s health check, probed every second: 1 answered within 2 s, 0.5 accepted the connection but did not answer in time (busy), 0 nothing answers.',
  );
  private readonly databaseUp = this.gauge('lab_db_up', 'Whether the lab could read PostgreSQL statistics (1) or not (0).');
  private readonly connections = this.gauge(
    'lab_db_connections',
    'Client connections open on the PostgreSQL server, by state, the lab\'s own left out. state="logging in" counts connections that have not finished logging in (pg_stat_activity state "starting").',
    ['state'],
  );
  private readonly processConnections = this.gauge(
    'lab_db_process_connections',
    'Client connections held by each process of the lab\'s fleet, by its name (process="worker-2", the application_name it connects with), whatever their state.',
    ['process'],
  );
  private readonly lockWaits = this.gauge(
    'lab_db_lock_waits',
    'Client connections waiting for a lock another transaction holds (pg_stat_activity wait_event_type "Lock"), the lab\'s own left out.',
  );
  private readonly maxConnections = this.gauge('lab_db_max_connections', 'PostgreSQL\'s max_connections setting: the most client connections the server accepts.');
  private readonly sessionsOpened = this.counter('lab_db_sessions_opened_total', 'New sessions opened to the app\'s database (pg_stat_database.sessions).');
  private readonly refused = this.counter(
    'lab_db_connections_refused_total',
    'Connections PostgreSQL refused because it was full ("too many clients"), counted from its log since the lab started. Embedded mode only.',
  );
  private readonly rowsRead = this.counter(
    'lab_table_rows_read_total',
    'Rows of each of the scenario\'s tables read, by how: scan="sequential" (every row a sequential scan passed, pg_stat_user_tables.seq_tup_read) or scan="index" (fetched through an index, idx_tup_fetch).',
    ['table', 'scan'],
  );
  private readonly statementSeconds = this.counter(
    'lab_statement_seconds_total',
    'Time PostgreSQL spent executing each of the app\'s statements (pg_stat_statements.total_exec_time, in seconds), by its normalised text. Scenarios that ask for pg_stat_statements only.',
    ['query'],
  );
  private readonly statementCalls = this.counter(
    'lab_statement_calls_total',
    'Times each of the app\'s statements was executed (pg_stat_statements.calls), by its normalised text. Scenarios that ask for pg_stat_statements only.',
    ['query'],
  );
  private readonly loadTestRunning = this.gauge('lab_loadtest_running', 'Whether a load test (npm run loadtest) is running (1) or not (0).');
  private readonly loadTestRequests = this.counter(
    'lab_loadtest_requests_total',
    'Requests of the running load test by what its users got: outcome="ok" (2xx), "error status" (any other status), "timeout" (no answer in time) or "no connection" (refused or closed). Timeouts and lost connections never reach the app\'s own counts.',
    ['outcome'],
  );
  private readonly cores = this.gauge(
    'lab_machine_cores',
    'The cores the lab\'s processes can run on (os.availableParallelism()): the most CPU time per second all of them together can use.',
  );
  private readonly checkLoadRunning = this.gauge('lab_check_load_running', 'Whether `npm run check` is sending load to the app right now (1) or not (0).');
  /** The run whose tally was last counted, and that tally. */
  private loadTestCounted: { id: string; sofar: InProgressTally } | undefined;

  constructor(private readonly options: LabExporterOptions) {
    this.reader = new DatabaseReader({
      adminUrl: options.adminUrl,
      tables: options.tables,
      ...(options.statementsOfRole !== undefined ? { statementsOfRole: options.statementsOfRole } : {}),
    });
    this.refusedLog = options.postgresLogFile ? new RefusedConnectionsLog(options.postgresLogFile) : undefined;
    // Read once: the cores do not change while the lab runs.
    this.cores.set(machineCores());
    // Present from the start at 0, so that queries on them never come back empty.
    for (const [outcome] of LOAD_TEST_OUTCOMES) this.loadTestRequests.inc({ outcome }, 0);
  }

  /** The lab's statistics connection's backend pid (left out of every count). */
  get statsBackendPid(): number | undefined {
    return this.reader.statsBackendPid;
  }

  /** Takes a reading: probes the app, reads PostgreSQL's statistics, updates every metric. */
  async collect(): Promise<void> {
    const [up, reading] = await Promise.all([probe(this.options.appHealthUrl), this.reader.read()]);
    this.appUp.set(APP_UP_VALUE[up]);
    const run = readInProgress(this.options.inProgressRunFile);
    this.loadTestRunning.set(run ? 1 : 0);
    if (run?.sofar) this.countLoadTest(run.id, run.sofar);
    this.checkLoadRunning.set(readCheckLoads(this.options.checkLoadsFile).some((mark) => mark.end === null) ? 1 : 0);
    if (this.refusedLog) this.advance(this.refused, 'refused', {}, this.refusedLog.total());
    this.databaseUp.set(reading ? 1 : 0);
    // While the database is away its gauges disappear (a gap), rather than repeat old values.
    this.connections.reset();
    this.processConnections.reset();
    this.lockWaits.reset();
    if (!reading) return;
    this.lockWaits.set(reading.waitingForLocks);
    for (const name of this.options.processNames?.() ?? []) this.processConnections.set({ process: name }, reading.connectionsByApplication[name] ?? 0);
    // The usual states are always present (0 when none), so queries on them never come back empty.
    for (const state of ['active', 'idle', 'idle in transaction', LOGGING_IN]) this.connections.set({ state }, 0);
    for (const [state, count] of Object.entries(reading.connectionsByState)) this.connections.set({ state }, count);
    this.maxConnections.set(reading.maxConnections);
    this.advance(this.sessionsOpened, 'sessions', {}, reading.sessionsOpened);
    for (const [table, read] of Object.entries(reading.rowsRead)) {
      this.advance(this.rowsRead, `rows ${table} sequential`, { table, scan: 'sequential' }, read.sequential);
      this.advance(this.rowsRead, `rows ${table} index`, { table, scan: 'index' }, read.index);
    }
    if (reading.statements) this.countStatements(reading.statements);
  }

  /**
   * Adds each statement's time and calls since the last reading. After the first reading, a
   * statement never seen before is new, and after a reset of pg_stat_statements every count
   * starts over: all of their time counts.
   */
  private countStatements(reading: StatementsReading): void {
    const seenBefore = this.statementsResetAt !== undefined;
    if (seenBefore && reading.resetAt !== this.statementsResetAt) {
      for (const key of this.counterBases.keys()) if (key.startsWith(STATEMENT_KEY)) this.counterBases.delete(key);
    }
    this.statementsResetAt = reading.resetAt;
    for (const { query, seconds, calls } of reading.statements) {
      this.advance(this.statementSeconds, `${STATEMENT_KEY}seconds ${query}`, { query }, seconds, seenBefore);
      this.advance(this.statementCalls, `${STATEMENT_KEY}calls ${query}`, { query }, calls, seenBefore);
    }
  }

  /** Adds what the running load test tallied since the last reading (a new run starts from zero). */
  private countLoadTest(id: string, sofar: InProgressTally): void {
    const before = this.loadTestCounted?.id === id ? this.loadTestCounted.sofar : undefined;
    for (const [outcome, field] of LOAD_TEST_OUTCOMES) {
      const added = sofar[field] - (before?.[field] ?? 0);
      this.loadTestRequests.inc({ outcome }, Math.max(0, added));
    }
    this.loadTestCounted = { id, sofar };
  }

  /** The exposition text for a Prometheus scrape. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** The latest values as samples, named as in the exposition (for the built-in dashboard). */
  async samples(): Promise<Sample[]> {
    const samples: Sample[] = [];
    for (const metric of await this.registry.getMetricsAsJSON()) {
      for (const value of metric.values) {
        const labels = Object.fromEntries(Object.entries(value.labels).map(([key, label]) => [key, String(label)]));
        samples.push({ name: metric.name, labels, value: value.value });
      }
    }
    return samples;
  }

  async close(): Promise<void> {
    await this.reader.close();
  }

  /**
   * PostgreSQL's counters are totals since its statistics began; a Prometheus counter only
   * goes up. Add what was added since the last reading; if the source went down (its
   * statistics were reset, e.g. after a crash), count the new total as added. A source read
   * for the first time is the base to count from, unless `newSource` says all of it is new.
   */
  private advance(counter: client.Counter<string>, key: string, labels: client.LabelValues<string>, total: number, newSource = false): void {
    const previous = this.counterBases.get(key) ?? (newSource ? 0 : undefined);
    this.counterBases.set(key, total);
    if (previous === undefined) {
      counter.inc(labels, 0);
      return;
    }
    const added = total >= previous ? total - previous : total;
    if (added > 0) counter.inc(labels, added);
  }

  private gauge(name: string, help: string, labelNames: string[] = []): client.Gauge<string> {
    return new client.Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private counter(name: string, help: string, labelNames: string[] = []): client.Counter<string> {
    return new client.Counter({ name, help, labelNames, registers: [this.registry] });
  }
}

/** lab_loadtest_requests_total's outcomes, and where each is counted in the load test's tally. */
const LOAD_TEST_OUTCOMES: Array<[string, keyof InProgressTally]> = [
  ['ok', 'succeeded'],
  ['error status', 'failedStatus'],
  ['timeout', 'timeouts'],
  ['no connection', 'connectionErrors'],
];

/** Where the statements' counts are kept among the counter bases. */
const STATEMENT_KEY = 'statement ';

type ProbeResult = 'up' | 'not answering' | 'down';

/** lab_app_up: 1 answered, 0.5 there but no answer in time (busy), 0 nothing answers. */
const APP_UP_VALUE: Record<ProbeResult, number> = { up: 1, 'not answering': 0.5, down: 0 };

async function probe(url: string): Promise<ProbeResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.ok ? 'up' : 'down';
  } catch (error) {
    // A timeout means something accepted the connection and did not answer in time: an app
    // swamped by load, not (yet) a dead one. Refused or reset: nothing is there.
    return error instanceof DOMException && error.name === 'TimeoutError' ? 'not answering' : 'down';
  }
}
