/**
 * What the request metrics cost per request, measured in-process without network or
 * database: the same do-nothing route with and without src/metrics.ts, through Fastify's
 * inject(). Differences of a microsecond are visible here, where a load test over loopback
 * on a busy 2-core machine cannot resolve much below 5%.
 */
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { writePristineScenario } from '../../lab/app-runner.js';
import type { Lab } from '../../lab/lab.js';

/** The shipped src/metrics.ts (its pristine copy, never the learner's). */
async function loadRegisterMetrics(lab: Lab): Promise<(app: FastifyInstance) => void> {
  const module = (await import(path.join(writePristineScenario(lab).dir, 'src', 'metrics.ts'))) as { registerMetrics: (app: FastifyInstance) => void };
  return module.registerMetrics;
}

const REQUESTS = 20_000;
const TRIALS = 3;
/** A route that does nothing: what is left is the metrics' own cost (any scenario's route would do the same). */
const DO_NOTHING_ROUTE = '/do-nothing';

async function microsPerRequest(lab: Lab, withMetrics: boolean): Promise<number> {
  const app = Fastify();
  if (withMetrics) (await loadRegisterMetrics(lab))(app);
  app.get(DO_NOTHING_ROUTE, async () => ({ items: [] }));
  await app.ready();
  for (let i = 0; i < 2_000; i += 1) await app.inject({ method: 'GET', url: DO_NOTHING_ROUTE });
  const started = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i += 1) await app.inject({ method: 'GET', url: DO_NOTHING_ROUTE });
  const micros = Number(process.hrtime.bigint() - started) / 1_000 / REQUESTS;
  await app.close();
  return micros;
}

/** Extra microseconds per request that the metrics add (best of alternating trials). */
export async function measureMetricsCostMicros(lab: Lab): Promise<{ withMicros: number; withoutMicros: number; costMicros: number }> {
  const withTimes: number[] = [];
  const withoutTimes: number[] = [];
  for (let trial = 0; trial < TRIALS; trial += 1) {
    withoutTimes.push(await microsPerRequest(lab, false));
    withTimes.push(await microsPerRequest(lab, true));
  }
  const withMicros = Math.min(...withTimes);
  const withoutMicros = Math.min(...withoutTimes);
  return { withMicros, withoutMicros, costMicros: withMicros - withoutMicros };
}
