/** Red, amber or green for a run, and the one next step a learner should take. */
import { LOADTEST_P99_GOAL_MS } from '../config.js';
import type { LabSnapshot, RunRecord, RunSummary } from '../runs/run-record.js';
import { automaticLabel, opensConnectionPerRequest } from './labels.js';
import { failedRequests } from './summary.js';

export type Verdict = RunRecord['verdict'];

export function verdictFor(summary: RunSummary): Verdict {
  if (summary.succeeded === 0 || failedRequests(summary) > 0) return 'red';
  return summary.latencyMs.p99 > LOADTEST_P99_GOAL_MS ? 'amber' : 'green';
}

/**
 * What the verdict means here, and what to do next: one or two sentences. `earlierRuns` (the
 * runs saved before this one) tell the first reproduction of the failure from a later one.
 */
export function nextStep(verdict: Verdict, summary: RunSummary, snapshot: LabSnapshot, earlierRuns: RunRecord[]): string {
  const failed = failedRequests(summary);
  if (verdict === 'red') {
    if (summary.connectionErrors > failed / 2) {
      return 'The app stopped answering: connections were refused or closed. Is it still running? Look at the `npm start` terminal.';
    }
    if (opensConnectionPerRequest(snapshot) === true) {
      const cause = summary.topServerError ? ` Most failures said: "${summary.topServerError.message}".` : '';
      if (snapshot.createdAtIndexPresent) {
        return `The index is there, but every request still opened its own database connection, and PostgreSQL turned the extra ones away.${cause} (SCENARIO.md, step 3, fix 1)`;
      }
      if (earlierRuns.some((run) => automaticLabel(run.snapshot) === 'broken')) {
        return `The same failure as before: every request still opened its own database connection.${cause} If you changed src/server.ts, did the app restart with it? The \`npm start\` terminal says. (SCENARIO.md, step 3, fix 1)`;
      }
      return `This is the failure the lab starts with — expected.${cause} Now read src/server.ts: how many database connections does one request open? (SCENARIO.md, step 2)`;
    }
    if (summary.timeouts > failed / 2) {
      return 'Requests waited longer than the load test allows. Watch the dashboard during a run: where do requests queue?';
    }
    const cause = summary.topServerError ? ` The most common error: "${summary.topServerError.message}".` : '';
    return `Some requests failed.${cause} The \`npm start\` terminal shows the app's own errors.`;
  }
  if (opensConnectionPerRequest(snapshot) === true) {
    return `No failures with ${summary.users} users, but the app still opens a new database connection for every request. Run with the default 200 users (\`npm run loadtest\`) to see what that costs.`;
  }
  if (verdict === 'amber') {
    if (!snapshot.createdAtIndexPresent) {
      return `No errors, but slow (p99 above ${LOADTEST_P99_GOAL_MS} ms): requests queue for the pool's connections while each query reads the whole posts table. Look at the feed query's plan with \`npm run db\` (SCENARIO.md, step 3, fix 2).`;
    }
    return `No errors, but p99 is above ${LOADTEST_P99_GOAL_MS} ms. Is something else busy on this machine? The dashboard shows where the time goes.`;
  }
  return `Healthy: every request answered, p99 under ${LOADTEST_P99_GOAL_MS} ms. Next: compare your runs (SCENARIO.md, step 4), then break it on purpose (SCENARIO.md, step 5).`;
}
