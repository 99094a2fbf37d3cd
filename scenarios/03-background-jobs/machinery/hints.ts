/**
 * Three hints per step of Scenario 3, by step id: a nudge, where to look, nearly the answer.
 * Each level assumes the learner read the ones before it.
 */
import type { StepHints } from '../../../lab/sdk.js';
import scenario from './scenario.js';

const { users, p99GoalMs } = scenario.loadTest;

export const HINTS = {
  reproduce: [
    'See it fail first: do what a team does when the queue grows, and add workers while people sign up.',
    'Run `npm run scale -- worker 6`, then `npm run loadtest`, with the dashboard open on the connections chart and the Connections by process table.',
    'With 6 workers as shipped, `npm run loadtest` records a run whose sign-ups fail with "sorry, too many clients already" (SQLSTATE 53300). `npm run reset` brings the shipped worker back if you changed it.',
  ],
  once: [
    'Picture two workers looking for work at the same moment. What does each of them read, and what does each do next?',
    'In src/worker.ts, workOnce() reads the oldest queued job with one statement and marks it running with another. Between the two, any other worker can read the same row. In `npm run db`, look up FOR UPDATE SKIP LOCKED in the PostgreSQL docs (SELECT, "The Locking Clause").',
    "Take a job in ONE statement that marks it and returns it: UPDATE jobs SET status = 'running' … WHERE id = (SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, payload. A row another worker is taking is locked, and SKIP LOCKED passes it by.",
  ],
  claim: [
    'How many jobs wait at any moment, and how many rows does the jobs table hold? What does PostgreSQL read to find the first kind among the second?',
    "In `npm run db`, run EXPLAIN ANALYZE on your claim's SELECT (or on the UPDATE inside BEGIN … ROLLBACK). Look at the rows it read (Rows Removed by Filter) and at the index it used, if any.",
    "An index that holds only the jobs that may be taken stays small however long the history grows: CREATE INDEX ON jobs (id) WHERE status IN ('queued', 'running'). Its WHERE must let your claim's WHERE use it: EXPLAIN shows whether it does.",
  ],
  parallel: [
    'Four workers should do four workers\' worth of work. What could make one wait for another?',
    'A lock taken on a job (FOR UPDATE, or an advisory lock) is held until the transaction ends. If the transaction lasts through the email, every worker that wants the same row or lock waits a few hundred milliseconds.',
    'Commit the claim before calling the provider: the claim is one short statement on its own, the email is sent with no transaction open, and "done" is another short statement. SKIP LOCKED lets a worker pass a job another is taking instead of waiting.',
  ],
  budget: [
    `The database takes ${scenario.database.maxConnections} connections in all. Count what the API and ${scenario.processes!.find((role) => role.role === 'worker')!.count.max} workers may open at once, as src/api.ts and src/worker.ts size their pools.`,
    'A worker\'s pool has one connection per job in progress, and each is held for the whole email (hundreds of milliseconds) although the statements take milliseconds. Little\'s law: connections in use = statements per second × how long each holds one.',
    'Hold a connection only for a statement: pool.query() takes one and gives it back at once. Then size the pools from the budget: 40 allowed − 3 for superusers − 2 for the lab − 1 for your psql = 34; the API keeps 10, so 8 workers get 24, 3 each (max: 3). A raised max_connections does not count: it is a bigger plan.',
  ],
  crash: [
    "Kill a worker (`npm run chaos -- kill worker`) while the queue is busy, then look for jobs that stay 'running': npm run db -- -c \"SELECT id, attempts FROM jobs WHERE status = 'running'\".",
    "Nothing ever takes a 'running' job again, because nothing tells a running job whose worker is alive from one whose worker died. The jobs table has a locked_until column the shipped worker never sets.",
    "Make each claim a lease: set locked_until = now() + 30 seconds when you take a job, and let the claim also take running jobs whose locked_until has passed. A job taken again may already have been sent: send the header 'Idempotency-Key: welcome-email-<job id>' so the provider sends it once.",
  ],
  goal: [
    `The goal: ${users} users signing up with no errors and 99% of sign-ups within ${p99GoalMs / 1000} s, once the steps above pass.`,
    'If sign-ups fail, the connections are not within the budget yet; if they are slow, look at the connections chart and the lock waits while the load test runs.',
    'With the fixes above, a sign-up holds one connection of the API\'s pool for a few milliseconds and the workers leave room for it. `npm run loadtest` with the fixes should be green; the check also measures for itself.',
  ],
} satisfies Record<string, StepHints>;
