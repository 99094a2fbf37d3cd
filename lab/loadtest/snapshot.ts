/**
 * What the database looked like during a run, read from PostgreSQL's own statistics over
 * ONE connection that lives for the whole run (so the lab adds at most one session to the
 * count it measures, and leaves its own connection out of the peak).
 */
import pg from 'pg';
import { connectionCounts, connectionsBeforeRefusal, liveRows, sessionsOpened, tableRowsRead, type RowsRead } from '../database/stats.js';
import type { LabSnapshot, TableDuringRun } from '../runs/run-record.js';
import type { ScenarioRuns } from '../scenario/definition.js';

type SnapshotFacts = NonNullable<ScenarioRuns['facts']>;

const SAMPLE_EVERY_MS = 250;
/**
 * A backend reports its session to the statistics when it ends or goes idle, at most about
 * once a second (PostgreSQL's PGSTAT_MIN_INTERVAL); wait that long before the last reading.
 */
const STATISTICS_FLUSH_WAIT_MS = 1_200;
const CONNECT_TIMEOUT_MS = 5_000;

export interface LabSampler {
  /** Reads the connections open now, as the timer does every quarter of a second. */
  sampleNow(): Promise<void>;
  /** Stops sampling and returns the snapshot; `succeeded` is the run's count of 2xx answers. */
  finish(succeeded: number): Promise<LabSnapshot>;
}

const UNKNOWN_READINGS = { newSessionsPerRequest: null, peakConnections: null, newSessions: null };

/** What the sampler reads besides the scenario's facts. */
export interface SamplerReadings {
  /** The role the app connects as: its connections are counted apart (`peakAppConnections`). */
  appRole?: string;
  /** Tables whose rows read during the run the snapshot keeps (`tables`). */
  tables?: readonly string[];
}

/**
 * Starts sampling, and reads the scenario's facts (ScenarioRuns.facts) now and at the end;
 * without a database URL, or if the database cannot be reached, the snapshot says "unknown"
 * (and every fact false).
 */
export async function startLabSampler(adminUrl: string | undefined, facts: SnapshotFacts = {}, readings: SamplerReadings = {}): Promise<LabSampler> {
  const tables = readings.tables ?? [];
  const unknown = (known: Record<string, boolean> = {}): LabSnapshot => ({ ...allFalse(facts), ...known, ...UNKNOWN_READINGS });
  if (!adminUrl) return { sampleNow: async () => {}, finish: async () => unknown() };
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A drill may stop the database mid-run: a broken connection must not crash the load test.
  client.on('error', () => {});
  let database: string;
  let ownPid: number;
  let factsAtStart: Record<string, boolean>;
  let sessionsAtStart: number;
  let rowsAtStart: Record<string, RowsRead>;
  let slots: number;
  try {
    await client.connect();
    const who = await client.query<{ database: string; pid: number }>('SELECT current_database() AS database, pg_backend_pid() AS pid');
    database = who.rows[0]!.database;
    ownPid = who.rows[0]!.pid;
    factsAtStart = await readFacts(client, facts);
    sessionsAtStart = await sessionsOpened(client, database);
    rowsAtStart = await tableRowsRead(client, tables);
    slots = await connectionsBeforeRefusal(client);
  } catch {
    await client.end().catch(() => {});
    return { sampleNow: async () => {}, finish: async () => unknown() };
  }

  let peak: number | null = null;
  let peakApp: number | null = null;
  let peakServer: number | null = null;
  let sampling: Promise<void> | undefined;
  const sampleOnce = async () => {
    try {
      const open = await connectionCounts(client, database, readings.appRole ?? null, ownPid);
      peak = Math.max(peak ?? 0, open.database);
      peakApp = Math.max(peakApp ?? 0, open.role);
      peakServer = Math.max(peakServer ?? 0, open.server);
    } catch {
      // The database is unreachable right now; keep the peak seen so far.
    }
  };
  const sample = () => (sampling ??= sampleOnce().finally(() => (sampling = undefined)));
  const timer = setInterval(() => void sample(), SAMPLE_EVERY_MS);

  return {
    async sampleNow() {
      // One reading at a time on the one connection: wait for one under way, then take a fresh one.
      await sampling;
      await sample();
    },
    async finish(succeeded) {
      clearInterval(timer);
      await sampling;
      await new Promise((resolve) => setTimeout(resolve, STATISTICS_FLUSH_WAIT_MS));
      try {
        const newSessions = (await sessionsOpened(client, database)) - sessionsAtStart;
        const factsAtEnd = await readFacts(client, facts);
        const tablesDuringRun = duringRun(rowsAtStart, await tableRowsRead(client, tables), await liveRows(client, tables));
        return {
          // True for the whole run: an index created half-way through does not count.
          ...Object.fromEntries(Object.entries(factsAtStart).map(([name, atStart]) => [name, atStart && factsAtEnd[name] === true])),
          // Per successful request: a connection PostgreSQL refuses ("too many clients") never
          // becomes a session, so dividing by all requests would hide the broken server.
          newSessionsPerRequest: succeeded > 0 ? newSessions / succeeded : null,
          peakConnections: peak,
          newSessions,
          ...(readings.appRole !== undefined ? { peakAppConnections: peakApp } : {}),
          peakServerConnections: peakServer,
          connectionsBeforeRefusal: slots,
          ...(tables.length > 0 ? { tables: tablesDuringRun } : {}),
        };
      } catch {
        return { ...unknown(factsAtStart), peakConnections: peak };
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}

function duringRun(atStart: Record<string, RowsRead>, atEnd: Record<string, RowsRead>, rows: Record<string, number>): Record<string, TableDuringRun> {
  return Object.fromEntries(Object.entries(atEnd).map(([table, end]): [string, TableDuringRun] => [table, {
    rows: rows[table] ?? 0,
    // A statistics reset in between would make a difference negative: count from 0 then.
    sequentialRowsRead: Math.max(0, end.sequential - (atStart[table]?.sequential ?? 0)),
    indexRowsFetched: Math.max(0, end.index - (atStart[table]?.index ?? 0)),
  }]));
}

async function readFacts(client: pg.Client, facts: SnapshotFacts): Promise<Record<string, boolean>> {
  const read: Record<string, boolean> = {};
  for (const [name, isTrue] of Object.entries(facts)) read[name] = await isTrue(client);
  return read;
}

function allFalse(facts: SnapshotFacts): Record<string, boolean> {
  return Object.fromEntries(Object.keys(facts).map((name) => [name, false]));
}
