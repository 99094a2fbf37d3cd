/**
 * What Scenario 1 makes of a load-test run (its definition's loadTest.runs): whether the feed's
 * index existed, the run's name (broken, index only, pool of N, pool of N + index) and the next
 * step in SCENARIO.md's words. The engine loads it when a load test starts.
 */
import type { LabSnapshot, RunAdviceInput, RunRecord, ScenarioRuns } from '../../../lab/sdk.js';
import { indexesOn, ledBy, opensConnectionPerRequest, reachedConnectionLimit } from '../../../lab/sdk.js';
import scenario from './scenario.js';

/** What the database showed of the app during a run: the facts its label and advice are made of. */
export interface RunState {
  /** How the app connected: a new connection per request, a pool, or null when the snapshot cannot tell. */
  connections: 'per request' | 'pool' | null;
  /** An index led by posts.created_at existed for the whole run. */
  index: boolean;
  /** Most connections the app held at once: a pool's size as far as it grew; undefined in older records. */
  appConnections?: number;
  /** The server held as many connections as it takes before refusing the app. */
  databaseFull: boolean;
}

export function runState(snapshot: LabSnapshot): RunState {
  const perRequest = opensConnectionPerRequest(snapshot);
  const { peakAppConnections } = snapshot;
  return {
    connections: perRequest === null ? null : perRequest ? 'per request' : 'pool',
    index: snapshot.createdAtIndexPresent === true,
    ...(typeof peakAppConnections === 'number' && peakAppConnections > 0 ? { appConnections: peakAppConnections } : {}),
    databaseFull: reachedConnectionLimit(snapshot) === true,
  };
}

/**
 * "broken", "index only", "pool of 10", "pool of 10 + index", "pool of 20+ (db full)" (a pool
 * the database stopped: it may be set bigger than it grew), "pool only"/"pool + index" when the
 * record does not say how many connections the app held, or null when the database was not read.
 */
export function automaticLabel(snapshot: LabSnapshot): string | null {
  const state = runState(snapshot);
  if (state.connections === null) return null;
  if (state.connections === 'per request') return state.index ? 'index only' : 'broken';
  const pool = state.appConnections === undefined ? 'pool' : `pool of ${state.appConnections}${state.databaseFull ? '+ (db full)' : ''}`;
  if (state.index) return `${pool} + index`;
  return state.appConnections === undefined ? 'pool only' : pool;
}

/** A run against the server as shipped: a connection per request and no index on created_at. */
export function ranOnTheBrokenApp(run: RunRecord): boolean {
  const state = runState(run.snapshot);
  return state.connections === 'per request' && !state.index;
}

/** A run with both fixes: a pool, and an index on created_at for the whole run. */
export function fixesInPlace(run: RunRecord): boolean {
  const state = runState(run.snapshot);
  return state.connections === 'pool' && state.index;
}

function nextStep(input: RunAdviceInput): string | undefined {
  const { verdict, summary, snapshot, general } = input;
  const { p99GoalMs } = scenario.loadTest;
  const state = runState(snapshot);
  if (state.connections === 'per request') return perRequestAdvice(input, state);
  if (verdict === 'red') {
    return state.connections === 'pool' && state.databaseFull ? poolTooBig(input, state) : undefined;
  }
  const scans = wholeTableScans(input);
  if (scans && state.index) {
    return `${verdict === 'green' ? 'Green by the clock' : 'No errors'}, but every request to ${summary.route} read the whole posts table ` +
      `(${scans}): the index on created_at does not serve this query. Look at its plan with EXPLAIN ANALYZE in \`npm run db\` (SCENARIO.md, Bonus B1).`;
  }
  if (verdict === 'amber') {
    if (state.index) return undefined;
    return `No errors, but slow (p99 above ${p99GoalMs / 1000} s): requests queue for the pool's connections while each query reads the whole posts table. Look at the feed query's plan with \`npm run db\` (SCENARIO.md, step 3, fix 2).`;
  }
  return `${general} Next: compare your runs (SCENARIO.md, step 4), then break it on purpose (SCENARIO.md, step 5).`;
}

/** The advice for a run whose every request opened its own connection. */
function perRequestAdvice({ verdict, summary, snapshot, earlierRuns, appStartedAt }: RunAdviceInput, state: RunState): string {
  const { users } = scenario.loadTest;
  const cause = summary.topServerError ? ` Most failures said: "${summary.topServerError.message}".` : '';
  if (verdict !== 'red') {
    if (summary.users < users) {
      return `No failures with ${summary.users} users, but the app still opens a new database connection for every request. Run with the default ${users} users (\`npm run loadtest\`) to see what that costs.`;
    }
    const opened = `every request still opened its own database connection (${count(snapshot.newSessions)} new sessions for ${count(summary.succeeded)} answers${ceiling(snapshot)})`;
    return state.index
      ? `No failures this time, and the index is there, but ${opened}. That is what fix 1 removes (SCENARIO.md, step 3, fix 1).`
      : `No failures this time, but ${opened}. Read src/server.ts: how many database connections does one request open? (SCENARIO.md, step 2)`;
  }
  if (state.index) {
    const refused = state.databaseFull ? ', and PostgreSQL turned the extra ones away' : '';
    return `The index is there, but every request still opened its own database connection${refused}.${cause} (SCENARIO.md, step 3, fix 1)`;
  }
  const before = earlierRuns.filter(ranOnTheBrokenApp).at(-1);
  if (!before) {
    return `This is the failure the lab starts with — expected.${cause} Now read src/server.ts: how many database connections does one request open? (SCENARIO.md, step 2)`;
  }
  if (appStartedAt !== undefined && before.appStartedAt === appStartedAt) {
    return `Same as before: the app has not restarted since that run, so it ran the same code and failed the same way.${cause} ` +
      'Next, read src/server.ts: how many database connections does one request open? (SCENARIO.md, step 2)';
  }
  if (appStartedAt !== undefined && before.appStartedAt !== undefined) {
    return `The same failure as before, from an app that has restarted since: the code it runs now still opens a database connection for every request.${cause} (SCENARIO.md, step 3, fix 1)`;
  }
  return `The same failure as before: every request still opened its own database connection.${cause} (SCENARIO.md, step 2 reads why; step 3, fix 1 fixes it)`;
}

/** A pool that grew until the database refused the app: its size and the database's limit. */
function poolTooBig({ summary, snapshot }: RunAdviceInput, state: RunState): string {
  const cause = summary.topServerError ? ` Most failures said: "${summary.topServerError.message}".` : '';
  const grew = state.appConnections === undefined ? 'The pool grew' : `The pool grew to ${state.appConnections} connections`;
  return `${grew}, as many as the database let the app have: it refuses a role like the app's once ${snapshot.connectionsBeforeRefusal} client ` +
    `connections are open, the lab's own included.${cause} A pool set bigger than that only turns waiting into errors: size it below the limit (SCENARIO.md, step 3, fix 1).`;
}

/** "about 49,000 rows per request by a sequential scan; the table has about 50,000", when the requests of the run read posts whole by sequential scans; undefined otherwise or when the record does not say. */
function wholeTableScans({ summary, snapshot }: RunAdviceInput): string | undefined {
  const posts = snapshot.tables?.posts;
  if (!posts || posts.rows <= 0 || summary.succeeded <= 0) return undefined;
  const perRequest = posts.sequentialRowsRead / summary.succeeded;
  // Half the table or more per request: a scan of the whole table (a few requests may miss the statistics' last flush).
  if (perRequest < posts.rows / 2) return undefined;
  // Both are PostgreSQL's counts, close but not exact: three significant digits say as much as they know.
  return `about ${count(roughly(perRequest))} rows per request by a sequential scan; the table has about ${count(roughly(posts.rows))}`;
}

/** ", at most 14 open at once, of the 22 the database takes", when the record says. */
function ceiling(snapshot: LabSnapshot): string {
  const { peakAppConnections, connectionsBeforeRefusal } = snapshot;
  if (typeof peakAppConnections !== 'number' || typeof connectionsBeforeRefusal !== 'number') return '';
  return `; at most ${peakAppConnections} open at once, of the ${connectionsBeforeRefusal} the database takes`;
}

function roughly(value: number): number {
  return Number(value.toPrecision(3));
}

function count(value: number | null | undefined): string {
  return typeof value === 'number' ? value.toLocaleString('en-US') : 'as many';
}

const runs: ScenarioRuns = {
  // An index whose first column is posts.created_at: what the feed's ORDER BY created_at needs.
  facts: { createdAtIndexPresent },
  label: automaticLabel,
  nextStep,
};

export default runs;

/** An index the feed can use (valid, not partial) whose first column is posts.created_at exists. */
export async function createdAtIndexPresent(client: Parameters<typeof indexesOn>[0]): Promise<boolean> {
  return (await indexesOn(client, ['posts'])).some((index) => index.usable && ledBy('created_at')(index));
}
