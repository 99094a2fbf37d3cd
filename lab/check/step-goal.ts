/**
 * The goal of every scenario: the load test's users (or rate) on its traffic (its route, or its mix),
 * every request answered, and 99% of them within the load test's own green bound (the
 * definition's loadTest), on every route of a mix. Judged only once the steps it waits for pass
 * (the scenario's fixes; it sends no load before):
 * - a scenario whose walkthrough has the learner load-test the fixes before the goal may wait for
 *   that run (`afterLoadTest`): until one is recorded with the fixes in place, the goal is not
 *   measured, so a check run between the last fix and that load test shows no numbers the
 *   learner is about to predict;
 * - a scenario may add a probe of the answers themselves (fresh answers, …), made first;
 * - a green `npm run loadtest` run recorded with the fixes in place, by the app process
 *   serving now, stands for the load (nothing is sent);
 * - otherwise the check runs the load test's own generator for a few seconds and applies
 *   the load test's own verdict.
 * What a mix (or the probe) wrote is undone afterwards, as the load test does.
 */
import { duration, localTime } from '../loadtest/figures.js';
import { load } from '../loadtest/report.js';
import { WHOLE_MIX } from '../loadtest/mix.js';
import { failedRequests } from '../loadtest/summary.js';
import { undoLoadTestWrites } from '../loadtest/undo-writes.js';
import { verdictFor } from '../loadtest/run-verdict.js';
import { appStartedAt } from '../metrics/app-started-at.js';
import type { RunRecord, RunSummary } from '../runs/run-record.js';
import type { ScenarioDefinition } from '../scenario/definition.js';
import type { ScenarioStep, StepHints, StepVerdict } from '../scenario/steps.js';
import { sizeForDraws } from '../seeding.js';
import { shortRun } from './short-run.js';
import { failed, passed } from './step-verdicts.js';

/** How many times the goal undoes its writes at most, waiting for the last requests' writes. */
const UNDO_ROUNDS = 5;

/** How long the check's own goal run lasts, when no green load-test run can stand in for it. */
export const GOAL_SECONDS = 3;
/**
 * The app says when it started to the nearest second (prom-client rounds
 * process_start_time_seconds), so a run begun in the half second after the start may carry an
 * earlier time than the start the app reports.
 */
const START_TIME_ROUNDING_MS = 1_000;
/** How long the goal waits for the app's /metrics to say when it started. */
const STARTED_AT_TIMEOUT_MS = 10_000;

export interface GoalStepOptions {
  /** The ids of the steps the goal waits for (the definition's checks.fixes names them together). */
  waitsFor: string[];
  /** Whether a recorded run had every fix in place (the scenario tells by the run's snapshot). */
  fixesInPlace(run: RunRecord): boolean;
  hints: StepHints;
  /**
   * Wait, besides the fixes, for a load-test run recorded with them in place (any verdict, even
   * stopped early, by any app process): the walkthrough asks for that run before the goal. A
   * green one by the app running now stands for the goal; otherwise the check measures as usual.
   */
  afterLoadTest?: boolean;
  /** What the goal asks of the answers besides their speed, checked before any load. */
  probe?: GoalProbe;
}

/** A check of the app's answers that speed alone cannot show (a cache answering from an old copy, …). */
export interface GoalProbe {
  /** How the goal's title names it: "fresh answers". */
  title: string;
  /**
   * Observes the app at `appUrl` and judges it: a verdict that does not pass fails the goal as it
   * is, without load; a passing one's line is added to the goal's. Whatever it writes, the
   * definition's loadTest.undoWrites must undo: the goal runs it afterwards.
   */
  check(appUrl: string): Promise<StepVerdict>;
}

/** "Goal: 200 users, 0 errors, p99 under 1 s" from the definition's loadTest, with "on every route" for a mix and the probe's title. */
export function goalTitle(scenario: ScenarioDefinition, probe?: GoalProbe): string {
  const { p99GoalMs, mix } = scenario.loadTest;
  return `Goal: ${goalLoad(scenario)}, 0 errors, p99 under ${p99GoalMs / 1000} s${mix ? ' on every route' : ''}${probe ? `, ${probe.title}` : ''}`;
}

/** "200 users", or "40 requests/s" for a scenario whose load test sends at a rate. */
export function goalLoad(scenario: ScenarioDefinition): string {
  const { users, ratePerSecond } = scenario.loadTest;
  return ratePerSecond === undefined ? `${users} users` : `${ratePerSecond} requests/s`;
}

/** The step "goal": required; it needs the app, and sends load only when no recorded run stands for it. */
export function goalStep(scenario: ScenarioDefinition, options: GoalStepOptions): ScenarioStep {
  return {
    id: 'goal',
    title: goalTitle(scenario, options.probe),
    required: true,
    hints: options.hints,
    needs: ['app'],
    async check({ appUrl, adminDatabaseUrl, runs, before, sendLoad }) {
      const ready = options.waitsFor.every((id) => before.some((step) => step.id === id && step.status === 'passed'));
      if (!ready) return goalNotMeasured(scenario);
      if (options.afterLoadTest && !runs.some(options.fixesInPlace)) return goalAwaitsLoadTest(scenario);
      try {
        const probed = options.probe ? await options.probe.check(appUrl) : undefined;
        if (probed && probed.status !== 'passed') return probed;
        // Patient: the app may still be working off the last load, and without its answer the goal
        // measures afresh instead of taking the recorded run.
        const record = greenRunWithFixes(scenario, runs, await appStartedAt(appUrl, STARTED_AT_TIMEOUT_MS), options.fixesInPlace);
        const verdict = record
          ? judgeGoalRecord(scenario, record)
          : judgeGoal(scenario, await sendLoad('goal', `The goal sends ${goalLoad(scenario)} to ${trafficName(scenario)} for ${GOAL_SECONDS} s, as the load test does`, () =>
            measureGoal(scenario, appUrl, adminDatabaseUrl)));
        return probed && verdict.status === 'passed' ? passed(`${verdict.observed}; ${probed.observed}`) : verdict;
      } finally {
        // The next load test undoes them anyway, before it starts: a failure here changes no verdict.
        await undoUntilNothingLeft(scenario, adminDatabaseUrl).catch(() => undefined);
      }
    },
  };
}

/** The newest run that can stand for the goal: green, the goal's traffic, its users or more, every fix, served by the app running now. */
export function greenRunWithFixes(scenario: ScenarioDefinition, runs: RunRecord[], appStartedAtMs: number | undefined, fixesInPlace: (run: RunRecord) => boolean): RunRecord | undefined {
  if (appStartedAtMs === undefined) return undefined;
  const { users, ratePerSecond, route, mix } = scenario.loadTest;
  const heavyEnough = (summary: RunSummary) =>
    ratePerSecond === undefined ? summary.ratePerSecond === undefined && summary.users >= users : (summary.ratePerSecond ?? 0) >= ratePerSecond;
  return runs
    .filter((run) =>
      run.verdict === 'green' &&
      !run.partial &&
      run.summary.route === (mix ? WHOLE_MIX : route) &&
      heavyEnough(run.summary) &&
      fixesInPlace(run) &&
      Date.parse(run.startedAt) >= appStartedAtMs - START_TIME_ROUNDING_MS)
    .at(-1);
}

/**
 * The goal's own short run: the load test's users (or rate) on its traffic, for GOAL_SECONDS. A mix draws
 * its parameters from the size seeded in the database at `databaseUrl` (the defaults without it).
 */
export async function measureGoal(scenario: ScenarioDefinition, appUrl: string, databaseUrl?: string): Promise<RunSummary> {
  const { users, ratePerSecond, route, mix, requestTimeoutSeconds } = scenario.loadTest;
  const shape = { users, ...(ratePerSecond !== undefined ? { ratePerSecond } : {}), seconds: GOAL_SECONDS, requestTimeoutSeconds };
  if (!mix) return shortRun(appUrl, { route, ...shape });
  return shortRun(appUrl, { routes: mix, size: await sizeForDraws(scenario, databaseUrl), ...shape });
}

export function judgeGoalRecord(scenario: ScenarioDefinition, run: RunRecord): StepVerdict {
  const s = run.summary;
  return passed(
    `your load test "${run.label}" at ${localTime(run.startedAt)} was green with ${scenario.checks.fixes}: ${load(s)}, ` +
      `${s.totalRequests.toLocaleString('en-US')} requests, 0 failed, ${s.routes?.length ? latencies(s) : `p99 ${duration(s.latencyMs.p99)}`}`,
  );
}

export function judgeGoal(scenario: ScenarioDefinition, summary: RunSummary): StepVerdict {
  const failures = failedRequests(summary);
  const waiting = summary.inFlightAtEnd ? ` (+${summary.inFlightAtEnd.toLocaleString('en-US')} still waiting at the end)` : '';
  const observed = `${load(summary)} for ${GOAL_SECONDS} s: ${summary.totalRequests.toLocaleString('en-US')} requests${waiting}, ` +
    `${failures.toLocaleString('en-US')} failed, ${latencies(summary)}`;
  const verdict = verdictFor(summary, scenario.loadTest.p99GoalMs);
  if (verdict === 'green') return passed(observed);
  // The fixes pass (the goal is not measured before), so the advice never names them.
  const { fixes } = scenario.checks;
  const { p99GoalMs } = scenario.loadTest;
  const fullRun = `run the full \`npm run loadtest\`: a green run with ${fixes} counts for this line`;
  if (verdict === 'red') {
    const what = failures > 0 ? 'requests failed' : 'no request was answered';
    return failed(observed, `${what} although ${fixes} pass: the \`npm start\` terminal shows the app's errors. Then ${fullRun}`);
  }
  const slowRoutes = (summary.routes ?? []).filter((route) => route.latencyMs.p99 > p99GoalMs).map((route) => route.name);
  const where = slowRoutes.length > 0 ? ` on ${slowRoutes.join(', ')}` : '';
  return failed(observed, `p99 was above ${p99GoalMs / 1000} s${where} in this short run: was something else busy on this machine? ${capitalize(fullRun)}`);
}

/** The goal before the steps it waits for pass: not measured, so it sends no load. */
export function goalNotMeasured(scenario: ScenarioDefinition): StepVerdict {
  return failed(`not measured yet: it runs once ${scenario.checks.fixes} above pass`, '');
}

/** The goal once the fixes pass, before the learner's own load test of them (`afterLoadTest`): not measured, and says what to run. */
export function goalAwaitsLoadTest(scenario: ScenarioDefinition): StepVerdict {
  const { fixes } = scenario.checks;
  return failed(
    `not measured yet: it waits for your load test with ${fixes} in place`,
    `run \`npm run loadtest\` (predict its numbers first): a green run with ${fixes} counts for this line, and after any other the check measures for itself`,
  );
}

/**
 * Undoes what the goal wrote until an undo finds nothing left: requests still in flight when the
 * load stopped are answered (and write) after the first undo, and an undo that meets their
 * transactions may be refused (a deadlock) and is tried again. Bounded: a few rounds at most.
 */
async function undoUntilNothingLeft(scenario: ScenarioDefinition, databaseUrl: string): Promise<void> {
  let refusal: unknown;
  for (let round = 0; round < UNDO_ROUNDS; round += 1) {
    try {
      if (!(await undoLoadTestWrites(scenario, databaseUrl))) return;
      refusal = undefined;
    } catch (error) {
      refusal = error;
    }
  }
  if (refusal) throw refusal;
}

/** "p50 40 ms, p99 120 ms" for one route; for a mix, each route's p99: "p99 search 120 ms, my orders 180 ms". */
function latencies(summary: RunSummary): string {
  if (summary.routes?.length) return `p99 ${summary.routes.map((route) => `${route.name} ${duration(route.latencyMs.p99)}`).join(', ')}`;
  return `p50 ${duration(summary.latencyMs.p50)}, p99 ${duration(summary.latencyMs.p99)}`;
}

/** "the whole mix" or the load test's route, as the goal's announcement names what it sends. */
function trafficName(scenario: ScenarioDefinition): string {
  return scenario.loadTest.mix ? 'the whole mix' : scenario.loadTest.route;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
