/**
 * The first step of every scenario: the learner reproduced the problem in a recorded load-test
 * run (.lab/runs/<id>.json, written by `npm run loadtest`). What the run must show, the scenario
 * says: failed requests (the default), or slowness (a run of the whole traffic that was not
 * green). The line quotes the first reproduction (the first such run of the broken app, else the
 * first such run), not whatever went wrong last: a drill or a wrong fix later on is not the run
 * that reproduced the problem.
 */
import { duration, localDateTime } from '../loadtest/figures.js';
import { WHOLE_MIX } from '../loadtest/mix.js';
import { load } from '../loadtest/report.js';
import { failedRequests } from '../loadtest/summary.js';
import type { RunRecord, RunSummary } from '../runs/run-record.js';
import type { ScenarioDefinition } from '../scenario/definition.js';
import type { ScenarioStep, StepHints, StepVerdict } from '../scenario/steps.js';
import { failed, passed } from './step-verdicts.js';

export interface ReproduceStepOptions {
  title: string;
  hints: StepHints;
  /** Whether a run was made against the app as shipped (the scenario tells by the run's snapshot). */
  ranOnTheBrokenApp(run: RunRecord): boolean;
  /**
   * What reproduces the problem: `'failures'` (the default), a run with failed requests;
   * `'slowness'`, a run of the whole traffic (the load test's mix, or its route) that was not
   * green: a request failed, or the p99 of some route was above the load test's bound.
   */
  shows?: 'failures' | 'slowness';
  /**
   * The failure the walkthrough explains, when not any failure will do (with `shows: 'failures'`):
   * a run whose failures are something else (timeouts on a swamped machine, …) does not
   * reproduce it, and the step's line says what that run did fail with.
   */
  failure?: ExpectedFailure;
}

export interface ExpectedFailure {
  /** How the line names it: 'PostgreSQL refusing connections (SQLSTATE 53300)'. */
  name: string;
  /** Whether the run's failures were mostly this one. */
  seenIn(run: RunRecord): boolean;
}

/** The step "reproduce": required, read from the recorded runs only (it sends nothing). */
export function reproduceStep(scenario: ScenarioDefinition, options: ReproduceStepOptions): ScenarioStep {
  return {
    id: 'reproduce',
    title: options.title,
    required: true,
    hints: options.hints,
    needs: [],
    check: ({ runs }) =>
      options.shows === 'slowness'
        ? judgeSlownessReproduced(scenario, runs, options.ranOnTheBrokenApp)
        : judgeReproduced(scenario, runs, options.ranOnTheBrokenApp, options.failure),
  };
}

export function judgeReproduced(scenario: ScenarioDefinition, runs: RunRecord[], ranOnTheBrokenApp: (run: RunRecord) => boolean, failure?: ExpectedFailure): StepVerdict {
  const failing = runs.filter((run) => run.summary.successRate < 100 || failedRequests(run.summary) > 0);
  const reproducing = failure ? failing.filter((run) => failure.seenIn(run)) : failing;
  const run = reproducing.find(ranOnTheBrokenApp) ?? reproducing[0];
  if (run) {
    const s = run.summary;
    return passed(
      `run "${run.label}" (${run.startedAt.slice(0, 16).replace('T', ' ')}): ${failedRequests(run.summary).toLocaleString('en-US')} of ` +
        `${s.totalRequests.toLocaleString('en-US')} requests failed ${s.ratePerSecond === undefined ? 'with' : 'at'} ${load(s)} (${s.successRate.toFixed(1)}% succeeded)`,
    );
  }
  const other = failing.find(ranOnTheBrokenApp) ?? failing[0];
  if (failure && other) {
    return failed(
      `${plural(runs.length, 'run')} recorded; run "${other.label}" failed ${failedRequests(other.summary).toLocaleString('en-US')} of ` +
        `${other.summary.totalRequests.toLocaleString('en-US')} requests, but ${describeFailures(other.summary)}, not ${failure.name}`,
      'that is not the failure this step explains: run `npm run loadtest` again against the original server (`npm run reset` brings it back) with nothing else busy on the machine, and watch the database connections panel',
    );
  }
  const observed = runs.length === 0
    ? 'no load-test run is recorded yet'
    : `${runs.length} run${runs.length === 1 ? '' : 's'} recorded, none with failed requests`;
  return failed(
    observed,
    runs.length === 0
      ? `run \`npm run loadtest\` while the broken ${scenario.files.app} runs, and watch the dashboard`
      : 'a run only counts here if requests failed: run `npm run loadtest` against the original server (`npm run reset` brings it back)',
  );
}

/** Slowness reproduced: a run of the whole traffic, as the load test sends it by default, that was not green. */
export function judgeSlownessReproduced(scenario: ScenarioDefinition, runs: RunRecord[], ranOnTheBrokenApp: (run: RunRecord) => boolean): StepVerdict {
  const { mix, route, p99GoalMs } = scenario.loadTest;
  const whole = runs.filter((run) => run.summary.route === (mix ? WHOLE_MIX : route));
  const slow = whole.filter((run) => run.verdict !== 'green');
  const run = slow.find(ranOnTheBrokenApp) ?? slow[0];
  const traffic = mix ? 'the whole mix' : route;
  if (run) {
    const s = run.summary;
    const p99s = s.routes?.length ? s.routes.map((r) => `${r.name} ${duration(r.latencyMs.p99)}`).join(', ') : duration(s.latencyMs.p99);
    return passed(
      `run "${run.label}" (${localDateTime(run.startedAt)}), ${traffic} ${s.ratePerSecond === undefined ? 'with' : 'at'} ${load(s)}: ${failedRequests(s).toLocaleString('en-US')} of ` +
        `${s.totalRequests.toLocaleString('en-US')} requests failed; p99 ${p99s} (green is under ${p99GoalMs / 1000} s)`,
    );
  }
  if (runs.length === 0) return failed(`no load-test run of ${traffic} is recorded yet`, 'run `npm run loadtest` with the dashboard open');
  if (whole.length === 0) {
    return failed(`${plural(runs.length, 'run')} recorded, each on one route (--route); this step needs a run of ${traffic}`, 'run `npm run loadtest` without --route');
  }
  return failed(
    `${plural(whole.length, 'run')} of ${traffic} recorded, ${whole.length === 1 ? 'green' : 'each green'}: 0 failed, p99 under ${p99GoalMs / 1000} s${mix ? ' on every route' : ''}`,
    'a run only counts here if it was slow: `npm run reset` puts the lab back as shipped, then run `npm run loadtest`',
  );
}

/** What a run's failures were, in a few words: the app's most common error, or how the rest failed. */
function describeFailures(s: RunSummary): string {
  const parts = [
    s.topServerError ? `most errors said "${s.topServerError.message}"` : undefined,
    s.timeouts > 0 ? `${s.timeouts.toLocaleString('en-US')} timed out` : undefined,
    s.connectionErrors > 0 ? `${s.connectionErrors.toLocaleString('en-US')} got no connection to the app` : undefined,
  ].filter((part) => part !== undefined);
  return parts.length > 0 ? parts.join(', ') : 'they were answered with other errors';
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
