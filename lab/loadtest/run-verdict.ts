/** Red, amber or green for a run, and the one next step a learner should take. */
import type { LabSnapshot, RouteSummary, RunRecord, RunSummary } from '../runs/run-record.js';
import type { ScenarioRuns } from '../scenario/definition.js';
import { duration } from './figures.js';
import { failedRequests } from './summary.js';

export type Verdict = RunRecord['verdict'];

/** Red: a request failed, or none succeeded. Amber: p99 above the goal, of all requests or of any one route of a mix. Else green. */
export function verdictFor(summary: RunSummary, p99GoalMs: number): Verdict {
  if (summary.succeeded === 0 || failedRequests(summary) > 0) return 'red';
  const slowest = slowestRoute(summary);
  return Math.max(summary.latencyMs.p99, slowest?.latencyMs.p99 ?? 0) > p99GoalMs ? 'amber' : 'green';
}

/**
 * What the verdict means here, and what to do next: one or two sentences, in the scenario's
 * words where it has some (`runs.nextStep`), else in general terms. `earlierRuns` (the runs
 * saved before this one) let the scenario tell the first reproduction of a failure from a later
 * one, and `appStartedAt` (the run's RunRecord.appStartedAt) a re-run on the same app process
 * from a run after a restart.
 */
export function nextStep(
  verdict: Verdict,
  summary: RunSummary,
  snapshot: LabSnapshot,
  earlierRuns: RunRecord[],
  runs: ScenarioRuns,
  p99GoalMs: number,
  appStartedAt?: string,
): string {
  const failed = failedRequests(summary);
  if (verdict === 'red' && summary.connectionErrors > failed / 2) {
    return 'The app stopped answering: connections were refused or closed. Is it still running? Look at the `npm start` terminal.';
  }
  const general = generalAdvice(verdict, summary, p99GoalMs);
  return runs.nextStep?.({ verdict, summary, snapshot, earlierRuns, general, ...(appStartedAt ? { appStartedAt } : {}) }) ?? general;
}

function generalAdvice(verdict: Verdict, summary: RunSummary, p99GoalMs: number): string {
  if (verdict === 'red') {
    if (summary.timeouts > failedRequests(summary) / 2) {
      return 'Requests waited longer than the load test allows. Watch the dashboard during a run: where do requests queue?';
    }
    const cause = summary.topServerError ? ` The most common error: "${summary.topServerError.message}".` : '';
    return `Some requests failed.${cause} The \`npm start\` terminal shows the app's own errors.`;
  }
  if (verdict === 'amber') {
    const slowest = slowestRoute(summary);
    const where = slowest ? ` on ${slowest.name} (p99 ${duration(slowest.latencyMs.p99)})` : '';
    return `No errors, but p99 is above ${p99GoalMs / 1000} s${where}. Is something else busy on this machine? The dashboard shows where the time goes.`;
  }
  return `Healthy: every request answered, p99 under ${p99GoalMs / 1000} s.`;
}

/** The route of a mix with the highest p99, or undefined for a run on one route. */
function slowestRoute(summary: RunSummary): RouteSummary | undefined {
  const routes = summary.routes ?? [];
  return routes.length === 0 ? undefined : routes.reduce((slowest, route) => (route.latencyMs.p99 > slowest.latencyMs.p99 ? route : slowest));
}
