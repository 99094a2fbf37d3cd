/**
 * Step "crash": a worker killed while it sends (SIGKILL, as a crash or an out-of-memory kill
 * does) loses no email and sends none twice. The check queues a burst, kills one of the
 * workers once some of the jobs are running, and waits for every job to be done: as long as
 * the longest claim (locked_until) of a job still running says, and some seconds more.
 */
import type { ScenarioStep, StepContext, StepVerdict } from '../../../lab/sdk.js';
import { failed, passed, until } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';
import type { JobOutcome, MailOutcome, QueuedJobs } from './queue-probe.js';
import { backlogVerdict, jobOutcome, mailOutcome, mailUrlOf, plural, settle, waitForEmptyQueue, withOwnJobs, withWorkers, workerCount } from './queue-probe.js';
import { ONCE_WORKERS } from './step-once.js';

/** Enough for three workers' first few seconds (about 90 emails a second), so every worker is mid-job at the kill. */
export const CRASH_JOBS = 300;
/**
 * How long after a worker first took one of the jobs the check kills one: an idle worker looks
 * for work once a second, so by then every worker has woken and holds jobs.
 */
const KILL_AFTER_FIRST_TAKEN_MS = 1_500;
/** How long the check waits after the kill when no claim says how long it holds. */
export const WAIT_WITHOUT_LEASE_MS = 20_000;
/** The margin past the longest claim: other workers look for work every fraction of a second. */
export const MARGIN_AFTER_LEASE_MS = 15_000;
/** The longest the check waits, whatever a claim says. */
export const LONGEST_WAIT_MS = 120_000;
const FIRST_RUNNING_TIMEOUT_MS = 30_000;

export interface CrashObservation {
  jobs: number;
  workers: number;
  killed: string;
  /** Seconds the check waited after the kill, and whether a claim's expiry set that wait. */
  waitedSeconds: number;
  leased: boolean;
  outcome: JobOutcome;
  mail: MailOutcome;
}

async function longestClaim(admin: StepContext['admin'], jobs: QueuedJobs): Promise<number | undefined> {
  const result = await admin.query<{ until: Date | null }>("SELECT max(locked_until) AS until FROM jobs WHERE id = ANY($1::bigint[]) AND status = 'running'", [jobs.ids]);
  const until = result.rows[0]?.until;
  return until ? until.getTime() : undefined;
}

export const crashStep: ScenarioStep = {
  id: 'crash',
  title: 'A worker killed in the middle of its jobs loses no email and sends none twice',
  required: true,
  hints: HINTS.crash,
  needs: ['database', 'fleet'],
  async check({ admin, before, fleet, sendLoad }) {
    if (before.find((step) => step.id === 'once')?.status !== 'passed') {
      return failed('not measured yet: while two workers can take the same job, the others finish a killed worker\'s jobs (and send their emails again). It runs once "each welcome email is sent once" passes', '');
    }
    const workers = Math.max(ONCE_WORKERS, await workerCount(fleet!));
    const mailUrl = await mailUrlOf(fleet!);
    const observation = await sendLoad('worker killed', `The check queues ${CRASH_JOBS} jobs for ${workers} workers, kills one of them while it sends (as a crash would), and waits for every email`, () =>
      withWorkers(fleet!, workers, async (): Promise<CrashObservation | { backlog: number } | { notTaken: true }> => {
        const backlog = await waitForEmptyQueue(admin);
        if (backlog > 0) return { backlog };
        return withOwnJobs(admin, CRASH_JOBS, async (jobs, queuedAt) => {
          if (!(await until(async () => (await jobOutcome(admin, jobs, queuedAt)).queued < CRASH_JOBS, FIRST_RUNNING_TIMEOUT_MS))) return { notTaken: true as const };
          await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_FIRST_TAKEN_MS));
          const kill = await fleet!.kill('worker');
          const lease = await longestClaim(admin, jobs);
          const deadline = () => Math.min(kill.killedAt + LONGEST_WAIT_MS, Math.max(kill.killedAt + WAIT_WITHOUT_LEASE_MS, (lease ?? 0) + MARGIN_AFTER_LEASE_MS));
          const outcome = await settle(admin, jobs, queuedAt, deadline);
          return {
            jobs: CRASH_JOBS,
            workers,
            killed: kill.name,
            waitedSeconds: (Date.now() - kill.killedAt) / 1000,
            leased: lease !== undefined,
            outcome,
            mail: await mailOutcome(mailUrl, jobs),
          };
        });
      }));
    if ('backlog' in observation) return backlogVerdict(observation.backlog);
    if ('notTaken' in observation) {
      return failed(`no worker took any of the ${CRASH_JOBS} jobs the check queued within ${FIRST_RUNNING_TIMEOUT_MS / 1000} s, so none was killed`, 'the workers must be running and taking jobs: the `npm start` terminal shows their errors (worker-1 │ …)');
    }
    return judgeCrash(observation);
  },
};

export function judgeCrash(o: CrashObservation): StepVerdict {
  const setting = `${o.jobs} jobs, ${o.workers} workers, ${o.killed} killed while it sent`;
  const waited = `${Math.round(o.waitedSeconds)} s later`;
  if (o.outcome.running > 0 || o.outcome.queued > 0) {
    const stuck = o.outcome.running > 0 ? `${plural(o.outcome.running, 'job')} still 'running'` : '';
    const queued = o.outcome.queued > 0 ? `${plural(o.outcome.queued, 'job')} still queued` : '';
    return failed(
      `${setting}: ${waited}, ${[stuck, queued].filter(Boolean).join(' and ')}${o.outcome.running > 0 && !o.leased ? ', with nothing that says when their claim ends' : ''}`,
      o.outcome.running > 0
        ? "a job whose worker died stays 'running' for ever: no one will take it again, and that user never gets the email. A claim must run out by itself (a lease), so another worker takes the job again"
        : 'the other workers did not get through the jobs: the `npm start` terminal shows their errors',
    );
  }
  if (o.outcome.gone > 0 || o.outcome.failed > 0) {
    const what = o.outcome.gone > 0 ? `${plural(o.outcome.gone, 'job')} gone from the table` : `${plural(o.outcome.failed, 'job')} marked failed`;
    return failed(
      `${setting}: ${waited}, ${what}`,
      'a job deleted or given up is a welcome email that may never be sent: give the job back to the queue instead, and let a worker take it again',
    );
  }
  if (o.mail.duplicated > 0) {
    return failed(
      `${setting}: every job done ${waited}, but ${plural(o.mail.duplicated, 'user')} got the welcome email twice`,
      "the killed worker's jobs were taken again, and their email may already have been sent before the kill: tell the provider that a resend is the same email (its API takes an Idempotency-Key header), so it sends it once",
    );
  }
  if (o.mail.missing > 0) {
    return failed(`${setting}: every job done ${waited}, but ${plural(o.mail.missing, 'email')} never reached the provider`, 'a job marked done must have had its email sent: mark it done only after the provider answered');
  }
  const replays = o.mail.replays > 0 ? `; the provider recognised ${plural(o.mail.replays, 'resent email')} by its Idempotency-Key and sent each once` : '';
  return passed(`${setting}: every job done ${Math.round(o.outcome.seconds)} s after it was queued, each email sent once${replays}`);
}
