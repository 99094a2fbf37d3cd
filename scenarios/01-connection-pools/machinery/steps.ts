/**
 * Scenario 1's steps, in the learner's order, as `npm run check` verifies them and
 * `npm run hint` hints at them: the engine's generic steps (reproduce, goal, database restart)
 * with this scenario's wording, around its own checks of the two fixes and the bonus index.
 * The definition (scenario.ts) loads this module only when a command needs the steps.
 */
import type { RunRecord, ScenarioStep } from '../../../lab/sdk.js';
import { databaseRestartStep, failedRequests, goalStep, isConnectionLimitMessage, reproduceStep } from '../../../lab/sdk.js';
import { fixesInPlace, ranOnTheBrokenApp } from './runs.js';
import { HINTS } from './hints.js';
import { connectionsStep } from './step-connections.js';
import { feedIndexStep, userPostsIndexStep } from './step-feed-index.js';
import scenario from './scenario.js';

// Told by the run's snapshot, as its label is, but not by comparing labels: a label names the pool's size.
export { fixesInPlace, ranOnTheBrokenApp };

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
  reproduceStep(scenario, {
    title: 'Reproduce the failure with a load test',
    hints: HINTS.reproduce,
    ranOnTheBrokenApp,
    failure: { name: 'PostgreSQL refusing connections ("too many clients", SQLSTATE 53300)', seenIn: refusedByTheDatabase },
  }),
  connectionsStep,
  feedIndexStep,
  goalStep(scenario, {
    waitsFor: [connectionsStep.id, feedIndexStep.id],
    fixesInPlace,
    // SCENARIO.md has the learner predict, then load-test both fixes, before the goal is judged.
    afterLoadTest: true,
    hints: HINTS.goal,
  }),
  userPostsIndexStep,
  databaseRestartStep(scenario, {
    id: 'bonus-db-restart',
    title: 'Bonus: the app survives a database restart',
    required: false,
    hints: HINTS['bonus-db-restart'],
    advice: 'a pool emits "error" when an idle connection breaks; without a listener that error ends the app. Handle it',
  }),
];

export default steps;
