/**
 * The broken server's failure under 200 simultaneous requests is a race between connection
 * attempts: on a busy machine one burst can arrive slowly enough to squeeze under
 * max_connections. Up to three bursts are sent; the first with failed requests is returned
 * (or the last, so the caller's assertions say what was seen).
 */
import { burst, type BurstTally } from '../../lab/check/http-load.js';

const ATTEMPTS = 3;
// The load test's client timeout: a user gives up on a request after 20 s.
const CLIENT_TIMEOUT_MS = 20_000;

export async function burstUntilItFails(url: string, users: number): Promise<BurstTally> {
  let tally = await burst(url, users, CLIENT_TIMEOUT_MS);
  for (let attempt = 2; attempt <= ATTEMPTS && tally.ok === tally.total; attempt += 1) {
    tally = await burst(url, users, CLIENT_TIMEOUT_MS);
  }
  return tally;
}
