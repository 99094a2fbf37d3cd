/** The goal the lab states (SCENARIO.md and `npm run check` quote these numbers). */
export const GOAL_USERS = 200;
export const GOAL_SECONDS = 3;
/** 99% of the goal run's requests must be answered within this. */
export const GOAL_P99_MS = 1_000;
