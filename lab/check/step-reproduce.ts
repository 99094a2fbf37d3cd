/**
 * Step 1: the learner reproduced the failure, i.e. at least one recorded load-test run
 * (.lab/runs/<id>.json, written by `npm run loadtest`) had failed requests. The line quotes
 * the first reproduction (the first failing run of the broken server, else the first failing
 * run), not whatever failed last: a drill or a wrong fix later on is not the step-1 run.
 */
import { automaticLabel } from '../../scenarios/01-connection-pools/lab/runs.js';
import { failedRequests } from '../loadtest/summary.js';
import { listRuns } from '../runs/history.js';
import { failed, passed, type StepResult } from './types.js';

export function checkReproduced(runsDir: string): StepResult {
  const runs = listRuns(runsDir);
  const failing = runs.filter((run) => run.summary.successRate < 100 || failedRequests(run.summary) > 0);
  const run = failing.find((candidate) => automaticLabel(candidate.snapshot) === 'broken') ?? failing[0];
  if (run) {
    const s = run.summary;
    return passed(
      'reproduce',
      `run "${run.label}" (${run.startedAt.slice(0, 16).replace('T', ' ')}): ${failedRequests(run.summary).toLocaleString('en-US')} of ` +
        `${s.totalRequests.toLocaleString('en-US')} requests failed with ${s.users} users (${s.successRate.toFixed(1)}% succeeded)`,
    );
  }
  const observed = runs.length === 0
    ? 'no load-test run is recorded yet'
    : `${runs.length} run${runs.length === 1 ? '' : 's'} recorded, none with failed requests`;
  return failed(
    'reproduce',
    observed,
    runs.length === 0
      ? 'run `npm run loadtest` while the broken src/server.ts runs, and watch the dashboard'
      : 'a run only counts here if requests failed: run `npm run loadtest` against the original server (`npm run reset` brings it back)',
  );
}
