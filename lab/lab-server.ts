/**
 * The lab's own web server (default port 3002): the dashboard and the lab's APIs.
 * The dashboard itself arrives with the observability work; until then this page says so.
 */
import Fastify, { type FastifyInstance } from 'fastify';

export interface LabServerOptions {
  port: number;
  host: string;
  appPort: number;
}

export async function startLabServer(options: LabServerOptions): Promise<FastifyInstance> {
  const server = Fastify();
  server.get('/health', async () => ({ status: 'ok' }));
  server.get('/', async (_request, reply) => {
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><meta charset="utf-8"><title>Scenario 1 lab</title>
<h1>Scenario 1 — lab dashboard</h1>
<p>The live dashboard is coming soon. Meanwhile the app is at
<a href="http://localhost:${options.appPort}/feed">localhost:${options.appPort}/feed</a>
and its metrics at <a href="http://localhost:${options.appPort}/metrics">/metrics</a>.</p>`;
  });
  await server.listen({ port: options.port, host: options.host });
  return server;
}
