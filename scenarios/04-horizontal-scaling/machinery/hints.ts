/**
 * Three hints per step of Scenario 4, by step id: a nudge, where to look, nearly the answer.
 * Each level assumes the learner read the ones before it.
 */
import type { StepHints } from '../../../lab/sdk.js';

export const HINTS = {
  reproduce: [
    'See one instance full first: run the load test and watch the app\'s event loop and the machine\'s cores.',
    'Run `npm run loadtest` with one instance (as shipped) and the dashboard open: the login\'s bcrypt keeps the one event loop busy while the other cores have little to do.',
    'A run whose p99 is over the goal with one instance reproduces it. `npm run scale -- app 1` puts the instance count back if you changed it.',
  ],
  goal: [
    'One process uses one core for JavaScript. How many does this machine have?',
    'Run as many instances as the machine has cores (`npm run scale -- app N`), then make sure they can share what one kept alone: sessions, and the database\'s connections.',
    'Sessions in PostgreSQL (`npm run db` to create a sessions table), a pool of budget ÷ instances per instance, and a SIGTERM handler that lets the requests in flight finish.',
  ],
} satisfies Record<string, StepHints>;
