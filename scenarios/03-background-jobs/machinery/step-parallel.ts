/**
 * Step "parallel": more workers send more emails per second. The check times one worker on a
 * burst of jobs, then four workers on four times the burst: workers that never wait for each
 * other take about the same time, so four send at least three times as many per second. It is
 * measured once taking a job is cheap (step "claim"): until then the database, not the
 * workers, sets the pace.
 */
import type { ScenarioStep, StepVerdict } from '../../../lab/sdk.js';
import { failed, passed } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';
import type { JobOutcome } from './queue-probe.js';
import { backlogVerdict, plural, settle, waitForEmptyQueue, withOwnJobs, withWorkers } from './queue-probe.js';

/** Jobs per worker in each burst: about twenty rounds of a worker's jobs in progress, so the first and last rounds weigh little. */
export const JOBS_PER_WORKER = 120;
export const MANY_WORKERS = 4;
/** Four workers must send at least this many times one worker's emails per second. */
export const SPEEDUP_NEEDED = 3;
/** Long enough for a burst of the fixed workers on a slow machine; a serialised queue is judged on what it did by then. */
const BURST_TIMEOUT_MS = 30_000;

export interface Timing {
  workers: number;
  jobs: number;
  outcome: JobOutcome;
}

async function timeBurst(context: Parameters<ScenarioStep['check']>[0], workers: number): Promise<Timing | { backlog: number }> {
  const { admin, fleet } = context;
  return withWorkers(fleet!, workers, async () => {
    const backlog = await waitForEmptyQueue(admin);
    if (backlog > 0) return { backlog };
    const jobsCount = JOBS_PER_WORKER * workers;
    return withOwnJobs(admin, jobsCount, async (jobs, queuedAt) => ({
      workers,
      jobs: jobsCount,
      outcome: await settle(admin, jobs, queuedAt, () => queuedAt + BURST_TIMEOUT_MS),
    }));
  });
}

export const parallelStep: ScenarioStep = {
  id: 'parallel',
  title: 'Four workers send at least three times as many emails per second as one',
  required: true,
  hints: HINTS.parallel,
  needs: ['database', 'fleet'],
  async check(context) {
    const claim = context.before.find((step) => step.id === 'claim');
    if (claim?.status !== 'passed') {
      return failed('not measured yet: while each claim reads the whole table, the database sets the pace whatever the workers do. It runs once the step above passes', '');
    }
    const [one, many] = await context.sendLoad('workers in parallel', `The check times 1 worker on ${JOBS_PER_WORKER} jobs, then ${MANY_WORKERS} workers on ${JOBS_PER_WORKER * MANY_WORKERS}`, async () => {
      const single = await timeBurst(context, 1);
      return 'backlog' in single ? [single, single] as const : [single, await timeBurst(context, MANY_WORKERS)] as const;
    });
    if ('backlog' in one) return backlogVerdict(one.backlog);
    if ('backlog' in many) return backlogVerdict(many.backlog);
    return judgeParallel(one, many);
  },
};

/** Emails per second from the moment a worker first took one of the burst: an idle worker may sleep up to a second before it looks. */
function rate(timing: Timing): number {
  const { done, seconds, firstTakenSeconds = 0 } = timing.outcome;
  return done / Math.max(seconds - firstTakenSeconds, 0.001);
}

function describe(timing: Timing): string {
  const { outcome } = timing;
  const left = outcome.queued + outcome.running;
  const unfinished = left > 0 ? ` (${plural(left, 'job')} not done after ${Math.round(outcome.seconds)} s)` : '';
  return `${plural(timing.workers, 'worker')}: ${outcome.done} of ${timing.jobs} jobs in ${(outcome.seconds - (outcome.firstTakenSeconds ?? 0)).toFixed(1)} s, ${rate(timing).toFixed(0)} emails/s${unfinished}`;
}

export function judgeParallel(one: Timing, many: Timing): StepVerdict {
  const speedup = rate(many) / Math.max(rate(one), 0.001);
  const observed = `${describe(one)}; ${describe(many)}: ${speedup.toFixed(1)}× one worker's rate`;
  if (one.outcome.done === 0) return failed(observed, 'one worker took no job in a minute: the `npm start` terminal shows what the workers print');
  if (speedup >= SPEEDUP_NEEDED) return passed(observed);
  return failed(
    `${observed} (${SPEEDUP_NEEDED}× is the least expected)`,
    'the workers wait for each other: while one holds a job (or a lock on the queue) through the email, the others stand still. Hold a lock only while taking the job, commit, then send; and let a worker skip a job another is taking instead of waiting for it',
  );
}
