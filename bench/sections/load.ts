/** One bounded, loopback-only load run against a server, summarised like `npm run loadtest`. */
import { startLoad, type LoadTarget } from '../../lab/loadtest/generator.js';
import { runRoute } from '../../lab/loadtest/mix.js';
import { buildSummary } from '../../lab/loadtest/summary.js';
import type { RunSummary } from '../../lab/runs/run-record.js';
import type { DatasetSize, ScenarioDefinition } from '../../lab/scenario/definition.js';

// Same client timeout as the load test: a user gives up on a request after 20 s.
const REQUEST_TIMEOUT_SECONDS = 20;

/** What the scenario's load test sends: its traffic mix (each route reported apart), or its one route. */
export function scenarioTraffic(scenario: ScenarioDefinition): LoadTarget {
  return scenario.loadTest.mix ? { routes: scenario.loadTest.mix } : { route: scenario.loadTest.route };
}

/** `size`: the dataset the database holds, which a mix draws its ids within. */
export async function loadFor(port: number, target: LoadTarget, users: number, seconds: number, size?: DatasetSize): Promise<RunSummary> {
  const result = await startLoad({ ...target, port, users, durationSeconds: seconds, requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS, ...(size ? { size } : {}) }).finished;
  return buildSummary(result, { users, ...('route' in target ? { route: target.route } : runRoute(target.routes)) });
}
