/** One bounded, loopback-only load run against a server, summarised like `npm run loadtest`. */
import { startLoad } from '../../lab/loadtest/generator.js';
import { buildSummary } from '../../lab/loadtest/summary.js';
import type { RunSummary } from '../../lab/runs/run-record.js';

// Same client timeout as the load test: a user gives up on a request after 20 s.
const REQUEST_TIMEOUT_SECONDS = 20;

export async function loadFor(port: number, route: string, users: number, seconds: number): Promise<RunSummary> {
  const result = await startLoad({ port, route, users, durationSeconds: seconds, requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS }).finished;
  return buildSummary(result, { users, route });
}
