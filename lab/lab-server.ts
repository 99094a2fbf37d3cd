/**
 * The lab's own web server (default port 3002). It hosts route sets (dashboard, metrics
 * exporter, drill controls), each registered from lab/supervisor/lab-routes.ts.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { LabContext, LabRoutes } from './lab-context.js';

export interface LabServerOptions {
  port: number;
  host: string;
  context: LabContext;
  routes: LabRoutes[];
}

export async function startLabServer(options: LabServerOptions): Promise<FastifyInstance> {
  const server = Fastify();
  server.get('/health', async () => ({ status: 'ok' }));
  for (const register of options.routes) await register(server, options.context);
  await server.listen({ port: options.port, host: options.host });
  return server;
}
