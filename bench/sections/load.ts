/** One bounded, loopback-only load run against a server, summarised like `npm run loadtest`. */
import { startLoad, type LoadTarget } from '../../lab/loadtest/generator.js';
import { runRoute } from '../../lab/loadtest/mix.js';
import { buildSummary } from '../../lab/loadtest/summary.js';
import type { RunSummary } from '../../lab/runs/run-record.js';
import { scenario } from '../../lab/scenario/current.js';
import { defaultSize } from '../../lab/seeding.js';

// Same client timeout as the load test: a user gives up on a request after 20 s.
const REQUEST_TIMEOUT_SECONDS = 20;

/** What the scenario's load test sends: its traffic mix (each route reported apart), or its one route. */
export function scenarioTraffic(): LoadTarget {
  return scenario.loadTest.mix ? { routes: scenario.loadTest.mix } : { route: scenario.loadTest.route };
}

export async function loadFor(port: number, target: LoadTarget, users: number, seconds: number): Promise<RunSummary> {
  // The scratch database holds the default dataset: the mix draws its ids within it.
  const result = await startLoad({ ...target, port, users, durationSeconds: seconds, requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS, size: defaultSize() }).finished;
  return buildSummary(result, { users, ...('route' in target ? { route: target.route } : runRoute(target.routes)) });
}
