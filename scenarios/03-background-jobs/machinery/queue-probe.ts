/**
 * What Scenario 3's checks observe of the queue, from outside the learner's code: jobs the
 * check queues itself (as the API would), what became of them in the jobs table, what the mail
 * stand-in received for each, and the fleet's workers, scaled for a measurement and put back.
 */
import type { CheckFleet, StepContext, StepVerdict } from '../../../lab/sdk.js';
import { failed, LabError, until } from '../../../lab/sdk.js';
import { withdrawSignUps } from './sign-ups.js';

type Admin = StepContext['admin'];

/** How often the check looks at the jobs it queued. */
const POLL_MS = 100;
/** How long a step waits for jobs from before it to be taken. */
const EMPTY_QUEUE_TIMEOUT_MS = 60_000;

/** The jobs one check queued: their ids, in order. */
export interface QueuedJobs {
  ids: number[];
  from: number;
  to: number;
}

/** Where the check's jobs ended: counts by status, and the ones no longer in the table. */
export interface JobOutcome {
  queued: number;
  running: number;
  done: number;
  failed: number;
  /** Jobs the check queued that are no longer in the table at all. */
  gone: number;
  /** Seconds from queueing to this outcome. */
  seconds: number;
  /** Seconds from queueing until a worker was first seen with one of them (an idle worker looks once a second). */
  firstTakenSeconds?: number;
}

/** What the mail stand-in received for the check's jobs. */
export interface MailOutcome {
  /** Jobs whose email arrived exactly once. */
  once: number;
  /** Jobs whose email arrived more than once, and the extra emails they got. */
  duplicated: number;
  extraEmails: number;
  /** Jobs whose email never arrived. */
  missing: number;
  /** Requests the stand-in answered again without sending, recognising their Idempotency-Key. */
  replays: number;
}

/** Queues `count` welcome-email jobs as the API does (for made-up users: nothing reads them back). */
async function queueJobs(admin: Admin, count: number): Promise<QueuedJobs> {
  const result = await admin.query<{ id: string }>(
    `INSERT INTO jobs (kind, payload)
     SELECT 'welcome_email', jsonb_build_object('userId', 0, 'email', 'check-' || g || '@example.test', 'name', 'Check ' || g)
       FROM generate_series(1, $1::int) AS g
     RETURNING id`,
    [count],
  );
  const ids = result.rows.map((row) => Number(row.id)).sort((a, b) => a - b);
  return { ids, from: ids[0]!, to: ids.at(-1)! };
}

export async function jobOutcome(admin: Admin, jobs: QueuedJobs, startedAt: number): Promise<JobOutcome> {
  const result = await admin.query<{ status: string; count: string }>('SELECT status, count(*) AS count FROM jobs WHERE id = ANY($1::bigint[]) GROUP BY status', [jobs.ids]);
  const by = (status: string) => Number(result.rows.find((row) => row.status === status)?.count ?? 0);
  const outcome = { queued: by('queued'), running: by('running'), done: by('done'), failed: by('failed') };
  const present = outcome.queued + outcome.running + outcome.done + outcome.failed;
  return { ...outcome, gone: jobs.ids.length - present, seconds: (Date.now() - startedAt) / 1000 };
}

/** Waits until no job of the check is queued or running, or the deadline (epoch ms) passes. */
export async function settle(admin: Admin, jobs: QueuedJobs, startedAt: number, deadline: () => number): Promise<JobOutcome> {
  let firstTakenSeconds: number | undefined;
  for (;;) {
    const outcome = await jobOutcome(admin, jobs, startedAt);
    if (firstTakenSeconds === undefined && outcome.queued < jobs.ids.length) firstTakenSeconds = outcome.seconds;
    const withFirst = firstTakenSeconds === undefined ? outcome : { ...outcome, firstTakenSeconds };
    if (outcome.queued + outcome.running === 0 || Date.now() >= deadline()) return withFirst;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** How many jobs wait in the queue now, the check's or not. */
export async function queuedJobs(admin: Admin): Promise<number> {
  const result = await admin.query<{ n: string }>("SELECT count(*) AS n FROM jobs WHERE status = 'queued'");
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Takes back the load test's sign-ups not emailed yet, then waits for any other job already
 * queued to be taken, so a step measures its own jobs on their own. Answers how many still
 * wait at the deadline (0: none).
 */
export async function waitForEmptyQueue(admin: Admin, timeoutMs = EMPTY_QUEUE_TIMEOUT_MS): Promise<number> {
  await withdrawSignUps(admin);
  let waiting = 0;
  await until(async () => (waiting = await queuedJobs(admin)) === 0, timeoutMs);
  return waiting;
}

/** What a step says when jobs from before it were still waiting: it measures on a queue with nothing else in it. */
export function backlogVerdict(waiting: number): StepVerdict {
  return failed(
    `${plural(waiting, 'job')} from before the check still waited in the queue after ${EMPTY_QUEUE_TIMEOUT_MS / 1000} s, so this step was not measured`,
    'the check measures its own jobs on a queue with nothing else waiting: let the workers send what waits (the dashboard shows it, as does `npm run db -- -c "SELECT status, count(*) FROM jobs GROUP BY status"`), then check again',
  );
}

/**
 * Queues `count` jobs of the check's own, runs `measure` on them (with the time they were
 * queued), then takes back those no worker took, so they do not wait in the learner's queue
 * after the check.
 */
export async function withOwnJobs<T>(admin: Admin, count: number, measure: (jobs: QueuedJobs, queuedAt: number) => Promise<T>): Promise<T> {
  const queuedAt = Date.now();
  const jobs = await queueJobs(admin, count);
  try {
    return await measure(jobs, queuedAt);
  } finally {
    await admin.query("DELETE FROM jobs WHERE id = ANY($1::bigint[]) AND status = 'queued'", [jobs.ids]);
  }
}

export async function mailOutcome(mailUrl: string, jobs: QueuedJobs): Promise<MailOutcome> {
  const response = await fetch(`${mailUrl}/deliveries?from=${jobs.from}&to=${jobs.to}`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`the mail stand-in answered ${response.status} to GET /deliveries`);
  const { counts, replays } = (await response.json()) as { counts: Record<string, number>; replays: Record<string, number> };
  const outcome: MailOutcome = { once: 0, duplicated: 0, extraEmails: 0, missing: 0, replays: 0 };
  for (const id of jobs.ids) {
    const n = counts[id] ?? 0;
    if (n === 0) outcome.missing += 1;
    else if (n === 1) outcome.once += 1;
    else {
      outcome.duplicated += 1;
      outcome.extraEmails += n - 1;
    }
    outcome.replays += replays[id] ?? 0;
  }
  return outcome;
}

/** The stand-in's address, from the fleet's list. */
export async function mailUrlOf(fleet: CheckFleet): Promise<string> {
  const mail = (await fleet.members()).find((member) => member.role === 'mail' && member.port !== undefined);
  if (!mail) throw new LabError('FLEET_REFUSED', 'the mail stand-in is not listed among the lab\'s processes');
  return `http://127.0.0.1:${mail.port}`;
}

/** How many workers the lab runs now. */
export async function workerCount(fleet: CheckFleet): Promise<number> {
  return (await fleet.members()).filter((member) => member.role === 'worker').length;
}

/**
 * Runs `measure` with `count` workers, every one of them up (scaling starts again a worker that
 * is down), then puts the count back as it was.
 */
export async function withWorkers<T>(fleet: CheckFleet, count: number, measure: () => Promise<T>): Promise<T> {
  const before = await workerCount(fleet);
  await fleet.scale('worker', count);
  try {
    return await measure();
  } finally {
    await fleet.scale('worker', before);
  }
}

export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : nouns}`;
}
