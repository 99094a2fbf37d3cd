/**
 * The goal the lab states (SCENARIO.md and `npm run check` quote these numbers). Its p99
 * bound is the load test's own green line, LOADTEST_P99_GOAL_MS in lab/config.ts, so a load
 * test that is green with both fixes in place always meets the goal.
 */
export const GOAL_USERS = 200;
/** How long the check's own goal run lasts, when no green load-test run can stand in for it. */
export const GOAL_SECONDS = 3;
