/**
 * The first step of every scenario: the learner reproduced the failure, i.e. at least one
 * recorded load-test run (.lab/runs/<id>.json, written by `npm run loadtest`) had failed
 * requests. The line quotes the first reproduction (the first failing run of the broken app,
 * else the first failing run), not whatever failed last: a drill or a wrong fix later on is
 * not the run that reproduced the failure.
 */
import { failedRequests } from '../loadtest/summary.js';
import type { RunRecord } from '../runs/run-record.js';
import { scenario } from '../scenario/current.js';
import type { ScenarioStep, StepHints, StepVerdict } from '../scenario/steps.js';
import { failed, passed } from './verdicts.js';

export interface ReproduceStepOptions {
  title: string;
  hints: StepHints;
  /** Whether a run was made against the app as shipped (the scenario tells by the run's snapshot). */
  ranOnTheBrokenApp(run: RunRecord): boolean;
}

/** The step "reproduce": required, read from the recorded runs only (it sends nothing). */
export function reproduceStep(options: ReproduceStepOptions): ScenarioStep {
  return {
    id: 'reproduce',
    title: options.title,
    required: true,
    hints: options.hints,
    needs: [],
    check: ({ runs }) => judgeReproduced(runs, options.ranOnTheBrokenApp),
  };
}

export function judgeReproduced(runs: RunRecord[], ranOnTheBrokenApp: (run: RunRecord) => boolean): StepVerdict {
  const failing = runs.filter((run) => run.summary.successRate < 100 || failedRequests(run.summary) > 0);
  const run = failing.find(ranOnTheBrokenApp) ?? failing[0];
  if (run) {
    const s = run.summary;
    return passed(
      `run "${run.label}" (${run.startedAt.slice(0, 16).replace('T', ' ')}): ${failedRequests(run.summary).toLocaleString('en-US')} of ` +
        `${s.totalRequests.toLocaleString('en-US')} requests failed with ${s.users} users (${s.successRate.toFixed(1)}% succeeded)`,
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
