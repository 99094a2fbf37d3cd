/**
 * Step "claim": taking a job reads the few claimable jobs, not the whole history. The check
 * counts the rows of `jobs` the database read (PostgreSQL's own counters, sequential and
 * through indexes) while the workers took a burst of jobs, per job taken.
 */
import type { ScenarioStep, StepContext, StepVerdict } from '../../../lab/sdk.js';
import { failed, passed } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';
import { backlogVerdict, plural, settle, waitForEmptyQueue, withOwnJobs, withWorkers, workerCount } from './queue-probe.js';
import { ONCE_WORKERS } from './step-once.js';

export const CLAIM_JOBS = 30;
const CLAIM_TIMEOUT_MS = 60_000;
/**
 * A backend reports what it read to the statistics at most once a second while busy, so the
 * check waits this long after the burst before it reads them.
 */
const STATISTICS_DELAY_MS = 2_000;
/** A claim may read this share of the table at most, per job taken (and a thousand rows on a small one). */
const MOST_ROWS_SHARE = 0.01;
const MOST_ROWS_FLOOR = 1_000;

export interface ClaimObservation {
  jobsTaken: number;
  rowsRead: number;
  sequentialRowsRead: number;
  /** How many sequential scans of jobs began meanwhile. */
  sequentialScans: number;
  tableRows: number;
}

interface JobsReads {
  sequential: number;
  sequentialScans: number;
  index: number;
  rows: number;
}

async function jobsReads(admin: StepContext['admin']): Promise<JobsReads> {
  const result = await admin.query<{ seq: string; scans: string; idx: string; rows: string }>(
    "SELECT seq_tup_read AS seq, seq_scan AS scans, coalesce(idx_tup_fetch, 0) AS idx, n_live_tup AS rows FROM pg_stat_user_tables WHERE relname = 'jobs'",
  );
  const row = result.rows[0];
  return { sequential: Number(row?.seq ?? 0), sequentialScans: Number(row?.scans ?? 0), index: Number(row?.idx ?? 0), rows: Number(row?.rows ?? 0) };
}

export const claimStep: ScenarioStep = {
  id: 'claim',
  title: 'Taking a job reads the jobs that wait, not every job ever sent',
  required: true,
  hints: HINTS.claim,
  needs: ['database', 'fleet'],
  async check({ admin, fleet, sendLoad }) {
    const workers = Math.max(ONCE_WORKERS, await workerCount(fleet!));
    const measure = (again: string) =>
      sendLoad('claim reads', `The check queues ${CLAIM_JOBS} jobs${again} and counts the rows of jobs the database reads while ${workers} workers take them`, () =>
        withWorkers(fleet!, workers, () => measureClaim(admin)));
    const first = await measure('');
    if ('backlog' in first) return backlogVerdict(first.backlog);
    const verdict = judgeClaim(first);
    if (verdict.status === 'passed' || first.jobsTaken === 0) return verdict;
    // A connection that sat idle reports what it read up to 10 s late, so a scan from before
    // the burst (a claim just before the index was made) can land in it. A claim that reads
    // the whole table does so again; one that does not, does not.
    const second = await measure(' again');
    return 'backlog' in second ? backlogVerdict(second.backlog) : judgeClaim(second);
  },
};

/** Counts the rows of jobs read while the workers take a burst of the check's own jobs. */
async function measureClaim(admin: StepContext['admin']): Promise<ClaimObservation | { backlog: number }> {
  const backlog = await waitForEmptyQueue(admin);
  if (backlog > 0) return { backlog };
  // The check's own look at the queue read the table too. A busy table's statistics may
  // take up to 10 s to receive a connection's reads; force this one's in before counting.
  await admin.query('SELECT pg_stat_force_next_flush()').catch(() => undefined);
  await admin.query('SELECT 1');
  // And what the workers read before the burst reaches them first.
  await new Promise((resolve) => setTimeout(resolve, STATISTICS_DELAY_MS));
  const before = await jobsReads(admin);
  return withOwnJobs(admin, CLAIM_JOBS, async (jobs, queuedAt) => {
    const outcome = await settle(admin, jobs, queuedAt, () => queuedAt + CLAIM_TIMEOUT_MS);
    await new Promise((resolve) => setTimeout(resolve, STATISTICS_DELAY_MS));
    const after = await jobsReads(admin);
    const sequential = after.sequential - before.sequential;
    return {
      jobsTaken: CLAIM_JOBS - outcome.queued,
      rowsRead: sequential + after.index - before.index,
      sequentialRowsRead: sequential,
      sequentialScans: after.sequentialScans - before.sequentialScans,
      tableRows: after.rows,
    };
  });
}

export function mostRowsPerJob(tableRows: number): number {
  return Math.max(MOST_ROWS_FLOOR, Math.round(tableRows * MOST_ROWS_SHARE));
}

export function judgeClaim({ jobsTaken, rowsRead, sequentialRowsRead, sequentialScans, tableRows }: ClaimObservation): StepVerdict {
  if (jobsTaken === 0) {
    return failed(`no worker took any of the ${CLAIM_JOBS} jobs the check queued`, 'the workers must be running and taking jobs: the `npm start` terminal shows their errors (worker-1 │ …)');
  }
  // A claim that reads the table scans it for every job it takes (and every idle look). Fewer
  // scans than a third of the jobs came from elsewhere (a look at the queue, a connection that
  // reported its reads late): they are not the claim's, and are not counted against it.
  const claimScans = sequentialScans * 3 >= jobsTaken;
  const counted = claimScans ? rowsRead : rowsRead - sequentialRowsRead;
  const perJob = Math.round(counted / jobsTaken);
  const others = claimScans || sequentialScans === 0 ? '' : ` (not counting ${plural(sequentialScans, 'sequential scan')}, too few to be the claim's: it would scan once per job)`;
  const observed = `${plural(jobsTaken, 'job')} taken: the database read ${plural(counted, 'row')} of jobs meanwhile${others}, ${plural(perJob, 'row')} per job (the table holds about ${plural(tableRows, 'job')})`;
  if (perJob <= mostRowsPerJob(tableRows)) return passed(observed);
  const how = claimScans && sequentialRowsRead * 2 >= rowsRead ? 'by sequential scans: each look for a queued job read the table from end to end' : 'through an index that holds every job, done or not';
  return failed(
    `${observed}, most of them ${how}`,
    'the jobs that wait are a handful among every job ever sent, and the history only grows. Give PostgreSQL a way to find the waiting ones without passing the done ones: EXPLAIN ANALYZE your claim in `npm run db`',
  );
}
