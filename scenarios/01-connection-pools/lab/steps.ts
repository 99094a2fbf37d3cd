/**
 * Scenario 1's steps, in the learner's order, as `npm run check` verifies them and
 * `npm run hint` hints at them: the engine's generic steps (reproduce, goal, database restart)
 * with this scenario's wording, around its own checks of the two fixes and the bonus index.
 * The definition (scenario.ts) loads this module only when a command needs the steps.
 */
import { databaseRestartStep } from '../../../lab/check/step-db-restart.js';
import { goalStep } from '../../../lab/check/step-goal.js';
import { reproduceStep } from '../../../lab/check/step-reproduce.js';
import { isConnectionLimitMessage } from '../../../lab/database/refused-connections.js';
import { failedRequests } from '../../../lab/loadtest/summary.js';
import { automaticLabel } from './runs.js';
import type { RunRecord } from '../../../lab/runs/run-record.js';
import type { ScenarioStep } from '../../../lab/scenario/steps.js';
import { HINTS } from './hints.js';
import { connectionsStep } from './step-connections.js';
import { feedIndexStep, userPostsIndexStep } from './step-feed-index.js';

/** A run against the server as shipped: a connection per request and no index on created_at. */
export function ranOnTheBrokenApp(run: RunRecord): boolean {
  return automaticLabel(run.snapshot) === 'broken';
}

/** A run with both fixes: a pool, and an index on created_at for the whole run. */
export function fixesInPlace(run: RunRecord): boolean {
  return automaticLabel(run.snapshot) === 'pool + index';
}

/**
 * The failure Step 1 explains: most failed requests were PostgreSQL refusing a connection
 * (SQLSTATE 53300, "too many clients"), not timeouts of a swamped machine.
 */
export function refusedByTheDatabase(run: RunRecord): boolean {
  const { topServerError, failedHttp5xx } = run.summary;
  return topServerError !== null && topServerError !== undefined && isConnectionLimitMessage(topServerError.message) &&
    failedHttp5xx * 2 >= failedRequests(run.summary);
}

const steps: readonly ScenarioStep[] = [
  reproduceStep({
    title: 'Reproduce the failure with a load test',
    hints: HINTS.reproduce,
    ranOnTheBrokenApp,
    failure: { name: 'PostgreSQL refusing connections ("too many clients", SQLSTATE 53300)', seenIn: refusedByTheDatabase },
  }),
  connectionsStep,
  feedIndexStep,
  goalStep({
    waitsFor: [connectionsStep.id, feedIndexStep.id],
    fixesInPlace,
    hints: HINTS.goal,
  }),
  userPostsIndexStep,
  databaseRestartStep({
    id: 'bonus-db-restart',
    title: 'Bonus: the app survives a database restart',
    required: false,
    hints: HINTS['bonus-db-restart'],
    advice: 'a pool emits "error" when an idle connection breaks; without a listener that error ends the app. Handle it',
  }),
];

export default steps;
