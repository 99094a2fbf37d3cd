/**
 * Three hints per step of Scenario 4, by step id: a nudge, where to look, nearly the answer.
 * Each level assumes the learner read the ones before it.
 */
import type { StepHints } from '../../../lab/sdk.js';

export const HINTS = {
  reproduce: [
    'See one instance full first: run the load test and watch the dashboard\'s CPU chart beside the machine\'s cores.',
    'Run `npm run loadtest` with one instance (as shipped) and the dashboard open: the login\'s bcrypt keeps the one event loop busy while the other cores have little to do.',
    'A run on one instance whose p99 is over the goal, with that instance\'s event loop busy nearly all the run (the run\'s *CPU used* line), reproduces it. `npm run scale -- app 1` puts the instance count back if you changed it; close other busy programs first.',
  ],
  scaled: [
    'One Node.js process runs its JavaScript on one core. How many cores does this machine have? (The start banner and the CPU chart say.)',
    'Run one instance per core: `npm run scale -- app N`, then load-test again and compare the runs with `npm run runs`.',
    'With as many instances as cores, each should show about the same requests per second on the dashboard. If one gets almost none, look at the method in balancer.conf: round robin and least_conn spread requests; a hash of the client\'s address sends all of 127.0.0.1 to one instance.',
  ],
  sessions: [
    'Log in once with curl (the walkthrough shows how), then ask GET /me several times with the cookie. Which instance answers each time, and what does it say?',
    'Each instance keeps its own `sessions` Map in memory: a session made on app-1 does not exist on app-2, and none survives a restart. Pinning each customer to one instance (sticky sessions) still loses them at the next deploy or crash.',
    'Keep sessions where every instance can read them: a sessions table in PostgreSQL (id, user_id, expires_at), written at login, read by /me, deleted at logout. Create it with `npm run db` (or a signed cookie that carries the customer id). `npm run solve` shows one way.',
  ],
  budget: [
    'Each instance has its own connection pool. How many connections can all of them open together, with the most instances the lab runs?',
    'The database allows 40 connections, 3 are kept for superusers, the lab uses 2 and your psql 1: 34 for the app. `new pg.Pool({ max: 20 })` in each of 4 instances asks for up to 80.',
    'Size each pool from the budget: `max: Math.floor(34 / 4)` (8). A login does not need a connection while bcrypt runs: take one for each query (pool.query) instead of holding one through the whole login.',
  ],
  crash: [
    'Kill an instance while a load test runs (`npm run chaos -- kill app`) and watch the chart of instances in rotation. When does the balancer notice, and when does it take the instance back?',
    'Without health_check in balancer.conf the balancer only notices a failure when a request fails, and after max_fails it tries that instance again only once fail_timeout has passed (10 s by default).',
    'Add an active health check to balancer.conf: `health_check interval=1s fails=2 passes=1 uri=/health;` (after the upstream block). The balancer then asks every instance\'s /health each second.',
  ],
  deploy: [
    'Run `npm run deploy` while a load test runs. Do any requests fail? What does a Node.js process do when it gets SIGTERM and has no handler for it?',
    'Without a handler, SIGTERM ends the process at once: the requests it was working on are cut, and the balancer keeps sending to it until it notices. A GET can be sent again to another instance; a login (POST) cannot.',
    'On SIGTERM: make /health answer 503 so the balancer\'s checks take the instance out (wait two check intervals), then `await app.close()` (stops taking connections, finishes the requests in flight), then `await pool.end()` and exit.',
  ],
  goal: [
    'The goal is the load test itself, green at its rate. Which steps above still fail?',
    'Run as many instances as cores, with sessions shared, pools within the budget, health checks and a graceful SIGTERM; then `npm run loadtest`.',
    'If every other step passes and the goal does not, look at the load average (`uptime`): the load test sends more than one core can answer, so other programs on the machine take from what your instances get.',
  ],
} satisfies Record<string, StepHints>;
