/**
 * The balancer's own metrics, in Prometheus's text format at /__balancer/metrics (the app
 * instances keep their /metrics, scraped directly). The default Node metrics keep the apps'
 * names (no prefix), so one panel can show the balancer's CPU beside theirs.
 */
import client from 'prom-client';
import type { UpstreamStatus } from './upstream.js';

/** The upstream label of an answer the balancer gave itself (no instance to send to, or all failed). */
export const NO_UPSTREAM = 'none';

/** Same buckets as the apps' http_request_duration_seconds, so the two line up. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];

/** What the proxy counts, and the registry /__balancer/metrics shows. */
export interface BalancerMetrics {
  registry: client.Registry;
  /** One answer to a client: the upstream that gave it (or "none"), its status and how long it took. */
  answered(upstream: string, statusCode: number, seconds: number): void;
  /** An attempt on `upstream` failed and the request went on to another, for `cause`. */
  retried(upstream: string, cause: RetryCause): void;
  /**
   * A POST, PATCH or LOCK that `upstream` had taken was sent to another instance (proxy_next_upstream
   * lists non_idempotent): it may have done its work on both.
   */
  resent(upstream: string, method: string): void;
}

/**
 * Why an attempt was tried again: an instance that refused the connection never saw the request;
 * one that took it and broke the connection (a process gone with requests in flight) did.
 */
export type RetryCause = 'refused' | 'cut' | 'timeout' | 'status';

/** What a balancer knows of one upstream at a scrape: its name, whether it gets requests, and (when it can tell) its requests in flight. */
export type UpstreamGauges = Pick<UpstreamStatus, 'name' | 'up'> & { activeRequests?: number };

export interface BalancerMetricsOptions {
  /**
   * Registers the process's own metrics (process_cpu_seconds_total, …) on the registry;
   * by default Node's, as the apps publish them. nginx's sidecar counts nginx's CPU in.
   */
  processMetrics?: (registry: client.Registry) => void;
}

/**
 * A registry with the balancer's metrics; `upstreams` is read at each scrape for the gauges.
 * lab_balancer_active_requests is published only for the upstreams that say how many they have.
 */
export function createBalancerMetrics(upstreams: () => UpstreamGauges[], options: BalancerMetricsOptions = {}): BalancerMetrics {
  const registry = new client.Registry();
  if (options.processMetrics) options.processMetrics(registry);
  else client.collectDefaultMetrics({ register: registry });
  const requests = new client.Counter({
    name: 'lab_balancer_requests_total',
    help: 'Requests the balancer answered, by the instance that answered (none: the balancer itself) and status code.',
    labelNames: ['upstream', 'status_code'],
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'lab_balancer_request_duration_seconds',
    help: 'Time from receiving a request to the end of its answer, retries included, in seconds.',
    labelNames: ['upstream'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const retries = new client.Counter({
    name: 'lab_balancer_retries_total',
    help: 'Attempts that failed and were tried on another instance, by the instance that failed and why: refused (the request never reached it), cut (it took the request and the connection broke), timeout, or status (an answer proxy_next_upstream names).',
    labelNames: ['upstream', 'cause'],
    registers: [registry],
  });
  const resent = new client.Counter({
    name: 'lab_balancer_non_idempotent_resent_total',
    help: 'POST, PATCH and LOCK requests an instance had taken (then broke the connection, timed out, or answered a status proxy_next_upstream names) that the balancer sent again to another, as non_idempotent in proxy_next_upstream allows: each may have done its work twice.',
    labelNames: ['upstream', 'method'],
    registers: [registry],
  });
  // Gauges read when scraped: an instance gone from the upstreams file leaves them.
  new client.Gauge({
    name: 'lab_balancer_active_requests',
    help: 'Requests in flight to each instance.',
    labelNames: ['upstream'],
    registers: [registry],
    collect() {
      this.reset();
      // An instance whose old connections drain after a settings change is listed twice: add them up.
      for (const upstream of upstreams()) if (upstream.activeRequests !== undefined) this.inc({ upstream: upstream.name }, upstream.activeRequests);
    },
  });
  new client.Gauge({
    name: 'lab_balancer_upstream_up',
    help: 'Whether the balancer sends new requests to each instance (1) or not (0).',
    labelNames: ['upstream'],
    registers: [registry],
    collect() {
      this.reset();
      const up = new Map<string, number>();
      for (const upstream of upstreams()) up.set(upstream.name, Math.max(up.get(upstream.name) ?? 0, upstream.up ? 1 : 0));
      for (const [name, value] of up) this.set({ upstream: name }, value);
    },
  });
  return {
    registry,
    answered(upstream, statusCode, seconds) {
      requests.inc({ upstream, status_code: String(statusCode) });
      duration.observe({ upstream }, seconds);
    },
    retried(upstream, cause) {
      retries.inc({ upstream, cause });
    },
    resent(upstream, method) {
      resent.inc({ upstream, method });
    },
  };
}
