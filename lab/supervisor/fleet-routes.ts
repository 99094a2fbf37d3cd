/**
 * The fleet on the lab server: GET /api/fleet lists the scenario's processes, POST
 * /api/fleet/scale {"role", "count"} changes a role's count (`npm run scale` calls it), POST
 * /api/fleet/deploy {"role"?} replaces a role's processes one at a time (`npm run deploy`), and
 * GET /api/fleet/targets lists the processes that serve HTTP in the form of Prometheus'
 * http_sd_configs, so Prometheus scrapes each one, labelled by role and process, as the
 * fleet grows and shrinks.
 */
import { LabError } from '../errors.js';
import type { FastifyReply } from 'fastify';
import type { LabRoutes } from '../lab-context.js';

/** What Prometheus' HTTP service discovery reads: target groups with their labels. */
export interface TargetGroup {
  targets: string[];
  /** __metrics_path__ is Prometheus' own label for where to scrape, when not /metrics. */
  labels: { role: string; process: string; __metrics_path__?: string };
}

export const fleetRoutes: LabRoutes = async (server, context) => {
  server.get('/api/fleet', async () => ({ appPort: context.fleet.appPort, processes: context.fleet.members() }));

  server.post<{ Body: { role: string; count: number } }>(
    '/api/fleet/scale',
    {
      schema: {
        body: {
          type: 'object',
          required: ['role', 'count'],
          additionalProperties: false,
          properties: { role: { type: 'string', maxLength: 64 }, count: { type: 'integer', minimum: 0, maximum: 1000 } },
        },
      },
    },
    async (request, reply) => refusedAsBadRequest(reply, async () => ({ processes: await context.fleet.scale(request.body.role, request.body.count) })),
  );

  server.post<{ Body: { role?: string } }>(
    '/api/fleet/deploy',
    {
      schema: {
        body: { type: 'object', additionalProperties: false, properties: { role: { type: 'string', maxLength: 64 } } },
      },
    },
    async (request, reply) => refusedAsBadRequest(reply, () => context.fleet.deploy(request.body?.role)),
  );

  server.get('/api/fleet/targets', async (): Promise<TargetGroup[]> =>
    context.fleet
      .members()
      .filter((member) => member.port !== undefined)
      .map((member) => ({
        targets: [`127.0.0.1:${member.port}`],
        labels: { role: member.role, process: member.name, ...(member.metricsPath ? { __metrics_path__: member.metricsPath } : {}) },
      })),
  );
};

/** What the fleet answers, or a 400 with its one line when it refuses (a LabError: a role it lacks, a count out of range). */
async function refusedAsBadRequest<T>(reply: FastifyReply, act: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await act();
  } catch (error) {
    if (!(error instanceof LabError)) throw error;
    return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message });
  }
}
