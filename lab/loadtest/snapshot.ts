/**
 * What the database looked like during a run, read from PostgreSQL's own statistics over
 * ONE connection that lives for the whole run (so the lab adds at most one session to the
 * count it measures, and leaves its own connection out of the peak).
 */
import pg from 'pg';
import { clientConnectionsByState, sessionsOpened } from '../database/stats.js';
import type { LabSnapshot } from '../runs/run-record.js';
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
  /** Stops sampling and returns the snapshot; `succeeded` is the run's count of 2xx answers. */
  finish(succeeded: number): Promise<LabSnapshot>;
}

const UNKNOWN_READINGS = { newSessionsPerRequest: null, peakConnections: null, newSessions: null };

/**
 * Starts sampling, and reads the scenario's facts (ScenarioRuns.facts) now and at the end;
 * without a database URL, or if the database cannot be reached, the snapshot says "unknown"
 * (and every fact false).
 */
export async function startLabSampler(adminUrl: string | undefined, facts: SnapshotFacts = {}): Promise<LabSampler> {
  const unknown = (known: Record<string, boolean> = {}): LabSnapshot => ({ ...allFalse(facts), ...known, ...UNKNOWN_READINGS });
  if (!adminUrl) return { finish: async () => unknown() };
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A drill may stop the database mid-run: a broken connection must not crash the load test.
  client.on('error', () => {});
  let database: string;
  let ownPid: number;
  let factsAtStart: Record<string, boolean>;
  let sessionsAtStart: number;
  try {
    await client.connect();
    const who = await client.query<{ database: string; pid: number }>('SELECT current_database() AS database, pg_backend_pid() AS pid');
    database = who.rows[0]!.database;
    ownPid = who.rows[0]!.pid;
    factsAtStart = await readFacts(client, facts);
    sessionsAtStart = await sessionsOpened(client, database);
  } catch {
    await client.end().catch(() => {});
    return { finish: async () => unknown() };
  }

  let peak: number | null = null;
  let sampling: Promise<void> | undefined;
  const sampleOnce = async () => {
    try {
      const byState = await clientConnectionsByState(client, database, ownPid);
      const open = Object.values(byState).reduce((sum, count) => sum + count, 0);
      peak = Math.max(peak ?? 0, open);
    } catch {
      // The database is unreachable right now; keep the peak seen so far.
    }
  };
  const timer = setInterval(() => {
    sampling ??= sampleOnce().finally(() => (sampling = undefined));
  }, SAMPLE_EVERY_MS);

  return {
    async finish(succeeded) {
      clearInterval(timer);
      await sampling;
      await new Promise((resolve) => setTimeout(resolve, STATISTICS_FLUSH_WAIT_MS));
      try {
        const newSessions = (await sessionsOpened(client, database)) - sessionsAtStart;
        const factsAtEnd = await readFacts(client, facts);
        return {
          // True for the whole run: an index created half-way through does not count.
          ...Object.fromEntries(Object.entries(factsAtStart).map(([name, atStart]) => [name, atStart && factsAtEnd[name] === true])),
          // Per successful request: a connection PostgreSQL refuses ("too many clients") never
          // becomes a session, so dividing by all requests would hide the broken server.
          newSessionsPerRequest: succeeded > 0 ? newSessions / succeeded : null,
          peakConnections: peak,
          newSessions,
        };
      } catch {
        return { ...unknown(factsAtStart), peakConnections: peak };
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}

async function readFacts(client: pg.Client, facts: SnapshotFacts): Promise<Record<string, boolean>> {
  const read: Record<string, boolean> = {};
  for (const [name, isTrue] of Object.entries(facts)) read[name] = await isTrue(client);
  return read;
}

function allFalse(facts: SnapshotFacts): Record<string, boolean> {
  return Object.fromEntries(Object.keys(facts).map((name) => [name, false]));
}
