/**
 * What Scenario 1 makes of a load-test run (its definition's loadTest.runs): whether the feed's
 * index existed, the run's name (broken, pool only, index only, pool + index) and the next step
 * in SCENARIO.md's words. The engine loads it when a load test starts.
 */
import { indexesOn, ledBy } from '../../../lab/check/indexes.js';
import { opensConnectionPerRequest } from '../../../lab/loadtest/sessions.js';
import type { LabSnapshot } from '../../../lab/runs/run-record.js';
import type { RunAdviceInput, ScenarioRuns } from '../../../lab/scenario/definition.js';
import scenario from './scenario.js';

/** "broken", "pool only", "index only", "pool + index", or null when the lab's database was not reachable. */
export function automaticLabel(snapshot: LabSnapshot): string | null {
  const perRequest = opensConnectionPerRequest(snapshot);
  if (perRequest === null) return null;
  if (perRequest) return snapshot.createdAtIndexPresent ? 'index only' : 'broken';
  return snapshot.createdAtIndexPresent ? 'pool + index' : 'pool only';
}

function nextStep({ verdict, summary, snapshot, earlierRuns, general }: RunAdviceInput): string | undefined {
  const { p99GoalMs, users } = scenario.loadTest;
  const perRequest = opensConnectionPerRequest(snapshot) === true;
  if (verdict === 'red') {
    if (!perRequest) return undefined;
    const cause = summary.topServerError ? ` Most failures said: "${summary.topServerError.message}".` : '';
    if (snapshot.createdAtIndexPresent) {
      return `The index is there, but every request still opened its own database connection, and PostgreSQL turned the extra ones away.${cause} (SCENARIO.md, step 3, fix 1)`;
    }
    if (earlierRuns.some((run) => automaticLabel(run.snapshot) === 'broken')) {
      return `The same failure as before: every request still opened its own database connection.${cause} If you changed src/server.ts, did the app restart with it? The \`npm start\` terminal says. (SCENARIO.md, step 3, fix 1)`;
    }
    return `This is the failure the lab starts with — expected.${cause} Now read src/server.ts: how many database connections does one request open? (SCENARIO.md, step 2)`;
  }
  if (perRequest) {
    return `No failures with ${summary.users} users, but the app still opens a new database connection for every request. Run with the default ${users} users (\`npm run loadtest\`) to see what that costs.`;
  }
  if (verdict === 'amber') {
    if (snapshot.createdAtIndexPresent) return undefined;
    return `No errors, but slow (p99 above ${p99GoalMs} ms): requests queue for the pool's connections while each query reads the whole posts table. Look at the feed query's plan with \`npm run db\` (SCENARIO.md, step 3, fix 2).`;
  }
  return `${general} Next: compare your runs (SCENARIO.md, step 4), then break it on purpose (SCENARIO.md, step 5).`;
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
