/**
 * Forwarding one request, as nginx's proxy module does: pick an upstream, send the request,
 * stream the answer back; when the attempt fails in a way `proxy_next_upstream` names, try the
 * next upstream — except that a POST, PATCH or LOCK that has reached an upstream is never sent
 * again (it may have done its work) unless `non_idempotent` is listed. Bodies up to 1 MB are
 * held in memory so a retry can send them again; larger ones get 413.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { NON_IDEMPOTENT, type BalancerConfig, type NextUpstreamConfig } from './config.js';
import { NO_UPSTREAM, type BalancerMetrics } from './metrics.js';
import type { Upstream } from './upstream.js';
import type { UpstreamSet } from './upstream-set.js';

/** The largest request body the balancer holds to be able to send it again. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The answer when no instance may get the request. */
export const NO_INSTANCE_BODY = { error: 'no instance of the app is available', balancer: true };

/** Headers about one connection, not the message (RFC 9110 §7.6.1): a proxy drops them both ways. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/** What forwarding needs: the upstreams, the settings in force, and the metrics to count in. */
export interface ProxyContext {
  upstreams: UpstreamSet;
  config: () => BalancerConfig;
  metrics: BalancerMetrics;
}

interface Failure {
  upstream: Upstream;
  kind: 'error' | 'timeout';
  /** The request reached the upstream (connecting succeeded). */
  sent: boolean;
  detail: string;
}

/** Answers `request` from one of the upstreams, or with the balancer's own 413, 502 or 504. */
export async function proxyRequest(request: IncomingMessage, response: ServerResponse, context: ProxyContext): Promise<void> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const body = await readBody(request);
  if (body === 'too large') {
    answerJson(response, 413, { error: `the request body is over ${MAX_BODY_BYTES} bytes, the most the balancer forwards`, balancer: true }, true);
    context.metrics.answered(NO_UPSTREAM, 413, seconds());
    return;
  }
  const config = context.config();
  const method = (request.method ?? 'GET') as Dispatcher.HttpMethod;
  const headers = forwardedHeaders(request);
  const idempotent = !NON_IDEMPOTENT.has(method);
  const tryLimit = config.nextUpstreamTries === 0 ? Infinity : config.nextUpstreamTries;
  const clientGone = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) clientGone.abort();
  });

  const tried = new Set<Upstream>();
  let failure: Failure | undefined;
  while (tried.size < tryLimit) {
    const upstream = context.upstreams.choose(tried, request.socket.remoteAddress ?? '');
    if (!upstream) break;
    tried.add(upstream);
    upstream.take();
    let answer: Dispatcher.ResponseData;
    try {
      answer = await upstream.pool.request({ method, path: request.url ?? '/', headers, body, reset: config.keepalive === 0, signal: clientGone.signal });
    } catch (error) {
      upstream.release();
      if (clientGone.signal.aborted) return;
      failure = { upstream, ...classify(error) };
      countFailure(upstream);
      const again = mayTryAgain(config.nextUpstream, failure, idempotent);
      if (again && tried.size < tryLimit && context.upstreams.anyLeft(tried)) {
        context.metrics.retried(upstream.name, failure.kind === 'timeout' ? 'timeout' : failure.sent ? 'cut' : 'refused');
        if (failure.sent && !idempotent) context.metrics.resent(upstream.name, method);
        continue;
      }
      break;
    }
    const { statusCode } = answer;
    if (config.nextUpstream.statuses.includes(statusCode)) {
      countFailure(upstream);
      // Sent and answered: a status retry follows the non-idempotent rule too. The last one is passed on as it is.
      if ((idempotent || config.nextUpstream.nonIdempotent) && tried.size < tryLimit && context.upstreams.anyLeft(tried)) {
        await answer.body.dump().catch(() => undefined);
        upstream.release();
        context.metrics.retried(upstream.name, 'status');
        if (!idempotent) context.metrics.resent(upstream.name, method);
        continue;
      }
    } else {
      upstream.passive.succeeded();
    }
    response.writeHead(statusCode, withoutHopByHop(answer.headers));
    await pipeline(answer.body, response).catch(() => undefined);
    upstream.release();
    context.metrics.answered(upstream.name, statusCode, seconds());
    return;
  }

  const statusCode = failure?.kind === 'timeout' ? 504 : 502;
  const error = failure ? `${failure.upstream.name} did not answer: ${failure.detail}` : NO_INSTANCE_BODY.error;
  answerJson(response, statusCode, { error, balancer: true });
  context.metrics.answered(NO_UPSTREAM, statusCode, seconds());
}

/** Answers with a small JSON body; `closing` asks the client to close (the rest of its body is not read). */
export function answerJson(response: ServerResponse, statusCode: number, body: object, closing = false): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...(closing ? { connection: 'close' } : {}) });
  response.end(text);
}

function countFailure(upstream: Upstream): void {
  upstream.failures += 1;
  upstream.passive.failed();
}

function mayTryAgain(next: NextUpstreamConfig, failure: Failure, idempotent: boolean): boolean {
  const named = failure.kind === 'error' ? next.error : next.timeout;
  return named && (!failure.sent || idempotent || next.nonIdempotent);
}

/** Connecting failed (the request never left) or failed later; undici's codes say which. */
function classify(error: unknown): Omit<Failure, 'upstream'> {
  const { code, message } = error as { code?: string; message?: string };
  const detail = code && message && !message.includes(code) ? `${code} ${message}` : (message ?? String(error));
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return { kind: 'timeout', sent: false, detail };
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return { kind: 'timeout', sent: true, detail };
  const refused = code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL';
  return { kind: 'error', sent: !refused, detail };
}

/** The body, held whole so a retry can send it again; undefined when the request has none. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined | 'too large'> {
  const length = request.headers['content-length'];
  if (length === undefined && request.headers['transfer-encoding'] === undefined) return undefined;
  if (Number(length) > MAX_BODY_BYTES) return 'too large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return 'too large';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The client's headers as the upstream gets them: hop-by-hop ones dropped, X-Forwarded-For extended. */
function forwardedHeaders(request: IncomingMessage): Record<string, string | string[]> {
  const headers = withoutHopByHop(request.headers);
  // undici sets the length of the body it sends; the body was read whole, so nothing waits for 100-continue.
  delete headers['content-length'];
  delete headers.expect;
  const client = request.socket.remoteAddress ?? 'unknown';
  const earlier = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = earlier ? `${String(earlier)}, ${client}` : client;
  return headers;
}

/** Headers without the hop-by-hop ones, and without those the Connection header names. */
function withoutHopByHop(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const named = String(headers.connection ?? '')
    .toLowerCase()
    .split(',')
    .map((name) => name.trim());
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.includes(name)) continue;
    kept[name] = value;
  }
  return kept;
}
