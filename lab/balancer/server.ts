/**
 * The balancer's HTTP server: its own three routes under /__balancer/ (a prefix no app route
 * uses), everything else forwarded. It counts the requests in flight, so that stopping it lets
 * them finish.
 */
import http from 'node:http';
import { answerJson, proxyRequest, type ProxyContext } from './proxy.js';
import { BALANCER_ROUTES } from './routes.js';
import type { UpstreamStatus } from './upstream.js';

/** A running server; `stop` refuses new connections and waits for the requests in flight. */
export interface BalancerServer {
  port: number;
  /** Resolves once every request in flight is answered, or `graceMs` has passed. */
  stop(graceMs: number): Promise<void>;
}

/** Serves on host:port; `statuses` gives /__balancer/status its upstreams. */
export async function serveBalancer(host: string, port: number, context: ProxyContext, statuses: () => UpstreamStatus[]): Promise<BalancerServer> {
  let inFlight = 0;
  let stopping = false;
  let allAnswered: (() => void) | undefined;

  const server = http.createServer((request, response) => {
    inFlight += 1;
    response.once('close', () => {
      inFlight -= 1;
      // While stopping, a connection is closed once its request is answered (no keep-alive).
      if (stopping) server.closeIdleConnections();
      if (stopping && inFlight === 0) allAnswered?.();
    });
    if (stopping) response.setHeader('connection', 'close');
    const answered = request.url?.startsWith(BALANCER_ROUTES.prefix) ? ownRoute(request, response, context, statuses) : proxyRequest(request, response, context);
    answered.catch((error: unknown) => {
      if (!response.headersSent) answerJson(response, 500, { error: `the balancer failed: ${String(error)}`, balancer: true });
      else response.destroy();
    });
  });
  // The balancer waits for its upstreams as long as proxy_read_timeout says, not Node's 5 minutes.
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });

  return {
    port: (server.address() as { port: number }).port,
    async stop(graceMs) {
      stopping = true;
      server.close();
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          allAnswered = resolve;
          setTimeout(resolve, graceMs).unref();
        });
      }
      server.closeAllConnections();
    },
  };
}

async function ownRoute(request: http.IncomingMessage, response: http.ServerResponse, context: ProxyContext, statuses: () => UpstreamStatus[]): Promise<void> {
  const path = request.url?.split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    answerJson(response, 405, { error: `${path ?? ''} answers GET only`, balancer: true });
  } else if (path === BALANCER_ROUTES.health) {
    answerJson(response, 200, { ok: true });
  } else if (path === BALANCER_ROUTES.status) {
    const { method } = context.config();
    answerJson(response, 200, { method, upstreams: statuses() });
  } else if (path === BALANCER_ROUTES.metrics) {
    const text = await context.metrics.registry.metrics();
    response.writeHead(200, { 'content-type': context.metrics.registry.contentType });
    response.end(text);
  } else {
    answerJson(response, 404, { error: `the balancer has ${BALANCER_ROUTES.health}, ${BALANCER_ROUTES.status} and ${BALANCER_ROUTES.metrics}; ${path ?? ''} is none of them`, balancer: true });
  }
}
