/**
 * The sidecar's HTTP server, on a loopback port of its own: nginx passes /__balancer/… to it
 * (the engine and Prometheus find the balancer's metrics and status on the app's port, where
 * nginx listens), and it answers the lab's three routes as the lab's balancer does.
 */
import http from 'node:http';
import type { BalancerMetrics } from '../metrics.js';
import { answerJson } from '../proxy.js';
import { BALANCER_ROUTES } from '../routes.js';

export interface SidecarRoutes {
  metrics: BalancerMetrics;
  /** The body of /__balancer/status: { method, upstreams: [{ name, up, … }] }. */
  status: () => object;
}

export interface SidecarServer {
  port: number;
  close(): Promise<void>;
}

/** Serves the routes on 127.0.0.1 at a free port. */
export async function serveSidecar(routes: SidecarRoutes): Promise<SidecarServer> {
  const server = http.createServer((request, response) => {
    void answer(request, response, routes).catch((error: unknown) => json(response, 500, { error: `the balancer's sidecar failed: ${String(error)}`, balancer: true }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(request: http.IncomingMessage, response: http.ServerResponse, routes: SidecarRoutes): Promise<void> {
  const path = request.url?.split('?')[0] ?? '';
  if (request.method !== 'GET' && request.method !== 'HEAD') return json(response, 405, { error: `${path} answers GET only`, balancer: true });
  if (path === BALANCER_ROUTES.health) return json(response, 200, { ok: true });
  if (path === BALANCER_ROUTES.status) return json(response, 200, routes.status());
  if (path === BALANCER_ROUTES.metrics) {
    const text = await routes.metrics.registry.metrics();
    response.writeHead(200, { 'content-type': routes.metrics.registry.contentType });
    return void response.end(text);
  }
  json(response, 404, { error: `the balancer has ${BALANCER_ROUTES.health}, ${BALANCER_ROUTES.status} and ${BALANCER_ROUTES.metrics}; ${path} is none of them`, balancer: true });
}

function json(response: http.ServerResponse, status: number, body: object): void {
  if (response.headersSent) response.destroy();
  else answerJson(response, status, body);
}
