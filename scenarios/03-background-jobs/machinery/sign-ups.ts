/** The load test's sign-ups, sent for a few seconds by a check, as `npm run loadtest` sends them. */
import { shortRun } from '../../../lab/sdk.js';
import type { RunSummary, StepContext } from '../../../lab/sdk.js';
import scenario, { SIGN_UP_EMAIL } from './scenario.js';

export const SIGN_UP_SECONDS = 6;
/** The addresses the load test's sign-ups use, as a LIKE pattern. */
export const SIGN_UP_EMAILS = `${SIGN_UP_EMAIL.prefix}%${SIGN_UP_EMAIL.domain}`;

export function measureSignUps(appUrl: string, seconds = SIGN_UP_SECONDS): Promise<RunSummary> {
  const { users, mix, requestTimeoutSeconds } = scenario.loadTest;
  return shortRun(appUrl, { routes: mix!, users, seconds, requestTimeoutSeconds });
}

/**
 * Takes back the load test's sign-ups whose email no worker sent yet: their queued jobs and
 * their users (made-up people). A load test's backlog would otherwise hold the check's own jobs
 * for minutes behind it, and the goal's load would leave one for the next check. Answers how
 * many it took back.
 */
export async function withdrawSignUps(admin: StepContext['admin']): Promise<number> {
  const result = await admin.query(
    `WITH gone AS (
       DELETE FROM jobs WHERE status = 'queued' AND payload->>'email' LIKE $1 RETURNING (payload->>'userId')::bigint AS user_id
     )
     DELETE FROM users WHERE id IN (SELECT user_id FROM gone)`,
    [SIGN_UP_EMAILS],
  );
  return result.rowCount ?? 0;
}
