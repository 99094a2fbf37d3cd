/**
 * Step 1: the learner reproduced the failure, i.e. at least one recorded load-test run
 * (.lab/runs/<id>.json, written by `npm run loadtest`) had failed requests.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RunRecord } from '../runs/run-record.js';
import { failed, passed, type StepResult } from './types.js';

/** Failed requests of a run, whatever the cause (5xx, other status, timeout, refused). */
export function failuresOf(run: RunRecord): number {
  const s = run.summary;
  return s.failedHttp5xx + s.failedOtherStatus + s.timeouts + s.connectionErrors;
}

/** The finished runs in the folder, oldest first; files that are not run records are passed over. */
export function readRuns(runsDir: string): RunRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch {
    return [];
  }
  const runs: RunRecord[] = [];
  for (const name of names.sort()) {
    if (!name.endsWith('.json') || name === 'in-progress.json') continue;
    try {
      const run = JSON.parse(fs.readFileSync(path.join(runsDir, name), 'utf8')) as RunRecord;
      if (run?.summary && typeof run.summary.successRate === 'number') runs.push(run);
    } catch {
      // Half-written or foreign file: not a run.
    }
  }
  return runs;
}

export function checkReproduced(runsDir: string): StepResult {
  const runs = readRuns(runsDir);
  const failing = runs.filter((run) => run.summary.successRate < 100 || failuresOf(run) > 0);
  const run = failing.at(-1);
  if (run) {
    const s = run.summary;
    return passed(
      'reproduce',
      `run "${run.label}" (${run.startedAt.slice(0, 16).replace('T', ' ')}): ${failuresOf(run).toLocaleString('en-US')} of ` +
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
