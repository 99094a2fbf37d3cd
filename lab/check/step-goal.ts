/**
 * The goal of every scenario: the load test's users on its route, every request answered, and
 * 99% of them within the load test's own green bound (the definition's loadTest). Judged only
 * once the steps it waits for pass (the scenario's fixes; it sends no load before):
 * - a green `npm run loadtest` run recorded with the fixes in place, by the app process
 *   serving now, stands for the goal (nothing is sent);
 * - otherwise the check runs the load test's own generator for a few seconds and applies
 *   the load test's own verdict.
 */
import { duration, localTime } from '../loadtest/format.js';
import { failedRequests } from '../loadtest/summary.js';
import { verdictFor } from '../loadtest/verdict.js';
import { parsePrometheusText } from '../metrics/prometheus-text.js';
import type { RunRecord, RunSummary } from '../runs/run-record.js';
import { scenario } from '../scenario/current.js';
import type { ScenarioStep, StepHints, StepVerdict } from '../scenario/steps.js';
import { assertLoopback } from './http-load.js';
import { shortRun } from './short-run.js';
import { failed, passed } from './verdicts.js';

/** How long the check's own goal run lasts, when no green load-test run can stand in for it. */
export const GOAL_SECONDS = 3;

export interface GoalStepOptions {
  /** The ids of the steps the goal waits for (the definition's checks.fixes names them together). */
  waitsFor: string[];
  /** Whether a recorded run had every fix in place (the scenario tells by the run's snapshot). */
  fixesInPlace(run: RunRecord): boolean;
  hints: StepHints;
}

/** "Goal: 200 users, 0 errors, p99 under 1 s", from the definition's loadTest. */
export function goalTitle(): string {
  const { users, p99GoalMs } = scenario.loadTest;
  return `Goal: ${users} users, 0 errors, p99 under ${p99GoalMs / 1000} s`;
}

/** The step "goal": required; it needs the app, and sends load only when no recorded run stands for it. */
export function goalStep(options: GoalStepOptions): ScenarioStep {
  return {
    id: 'goal',
    title: goalTitle(),
    required: true,
    hints: options.hints,
    needs: ['app'],
    async check({ appUrl, runs, before, sendLoad }) {
      const ready = options.waitsFor.every((id) => before.some((step) => step.id === id && step.status === 'passed'));
      if (!ready) return goalNotMeasured();
      const record = greenRunWithFixes(runs, await appStartedAt(appUrl), options.fixesInPlace);
      if (record) return judgeGoalRecord(record);
      const { users, route } = scenario.loadTest;
      const summary = await sendLoad('goal', `The goal sends ${users} users to ${route} for ${GOAL_SECONDS} s, as the load test does`, () =>
        measureGoal(appUrl));
      return judgeGoal(summary);
    },
  };
}

/** The newest run that can stand for the goal: green, the goal's route, its users or more, every fix, served by the app running now. */
export function greenRunWithFixes(runs: RunRecord[], appStartedAtMs: number | undefined, fixesInPlace: (run: RunRecord) => boolean): RunRecord | undefined {
  if (appStartedAtMs === undefined) return undefined;
  const { users, route } = scenario.loadTest;
  return runs
    .filter((run) =>
      run.verdict === 'green' &&
      !run.partial &&
      run.summary.route === route &&
      run.summary.users >= users &&
      fixesInPlace(run) &&
      Date.parse(run.startedAt) >= appStartedAtMs)
    .at(-1);
}

/** When the app process serving `appUrl` started (its process_start_time_seconds), or undefined if it does not say. */
export async function appStartedAt(appUrl: string): Promise<number | undefined> {
  assertLoopback(appUrl);
  try {
    const response = await fetch(`${appUrl}/metrics`, { signal: AbortSignal.timeout(3_000) });
    if (!response.ok) return undefined;
    const sample = parsePrometheusText(await response.text()).find((s) => s.name === 'process_start_time_seconds');
    return sample ? sample.value * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The goal's own short run: the load test's users on its route, for GOAL_SECONDS. */
export function measureGoal(appUrl: string): Promise<RunSummary> {
  const { users, route } = scenario.loadTest;
  return shortRun(appUrl, { route, users, seconds: GOAL_SECONDS });
}

export function judgeGoalRecord(run: RunRecord): StepVerdict {
  const s = run.summary;
  return passed(
    `your load test "${run.label}" at ${localTime(run.startedAt)} was green with ${scenario.checks.fixes}: ${s.users} users, ` +
      `${s.totalRequests.toLocaleString('en-US')} requests, 0 failed, p99 ${duration(s.latencyMs.p99)}`,
  );
}

export function judgeGoal(summary: RunSummary): StepVerdict {
  const failures = failedRequests(summary);
  const waiting = summary.inFlightAtEnd ? ` (+${summary.inFlightAtEnd.toLocaleString('en-US')} still waiting at the end)` : '';
  const observed = `${summary.users} users for ${GOAL_SECONDS} s: ${summary.totalRequests.toLocaleString('en-US')} requests${waiting}, ` +
    `${failures.toLocaleString('en-US')} failed, p50 ${duration(summary.latencyMs.p50)}, p99 ${duration(summary.latencyMs.p99)}`;
  const verdict = verdictFor(summary);
  if (verdict === 'green') return passed(observed);
  // The fixes pass (the goal is not measured before), so the advice never names them.
  const { fixes } = scenario.checks;
  const fullRun = `run the full \`npm run loadtest\`: a green run with ${fixes} counts for this line`;
  if (verdict === 'red') {
    const what = failures > 0 ? 'requests failed' : 'no request was answered';
    return failed(observed, `${what} although ${fixes} pass: the \`npm start\` terminal shows the app's errors. Then ${fullRun}`);
  }
  return failed(observed, `p99 was above ${scenario.loadTest.p99GoalMs / 1000} s in this short run: was something else busy on this machine? ${capitalize(fullRun)}`);
}

/** The goal before the steps it waits for pass: not measured, so it sends no load. */
export function goalNotMeasured(): StepVerdict {
  return failed(`not measured yet: it runs once ${scenario.checks.fixes} above pass`, '');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
