/**
 * What nginx is doing with each instance, as far as its access log tells: requests answered,
 * attempts that failed, and whether nginx would send it a new request. Open-source nginx keeps
 * its passive checks to itself, so the same rule is applied to the same failures here
 * (lab/balancer/passive-health.ts: max_fails failures within fail_timeout rest an instance for
 * fail_timeout). nginx never rests the only server of an upstream, and starts every count
 * afresh when it reloads; so does this view.
 */
import { NON_IDEMPOTENT, type BalancerConfig } from '../config.js';
import { NO_UPSTREAM, type BalancerMetrics, type RetryCause } from '../metrics.js';
import { PassiveHealth } from '../passive-health.js';
import type { UpstreamAddress } from '../upstreams-file.js';
import type { Attempt, LoggedRequest } from './access-log.js';

/** An instance as /__balancer/status shows it on the nginx path (no requests in flight: nginx does not say). */
export interface NginxUpstreamStatus {
  name: string;
  port: number;
  up: boolean;
  why: string;
  requestsSent: number;
  failures: number;
}

interface Tracked {
  address: UpstreamAddress;
  passive: PassiveHealth;
  sent: number;
  failures: number;
}

/** Statuses nginx makes up itself after an error or a timeout (also what an app may answer: the log cannot tell them apart). */
const NGINX_FAILURE_STATUSES = new Set([502, 504]);

export class UpstreamView {
  private tracked: Tracked[] = [];

  constructor(
    private config: BalancerConfig,
    private readonly metrics: BalancerMetrics,
    private readonly now: () => number = Date.now,
  ) {}

  /** nginx reloaded with these settings and instances: its failure counts start again, the request counts go on. */
  reloaded(config: BalancerConfig, addresses: readonly UpstreamAddress[]): void {
    this.config = config;
    const before = new Map(this.tracked.map((entry) => [entry.address.name, entry]));
    this.tracked = addresses.map((address) => ({
      address,
      passive: new PassiveHealth(config.maxFails, config.failTimeoutMs, this.now),
      sent: before.get(address.name)?.sent ?? 0,
      failures: before.get(address.name)?.failures ?? 0,
    }));
  }

  /** One line of the access log: counts it, and every attempt's success or failure. */
  record(request: LoggedRequest): void {
    const { attempts } = request;
    attempts.forEach((attempt, index) => {
      const entry = this.byAddress(attempt.address);
      const last = index === attempts.length - 1;
      // An attempt nginx moved on from failed; the last one failed when no header came, or with
      // a status proxy_next_upstream counts (nginx's own 502/504 after an error or a timeout).
      const failed = !last || attempt.noHeader || (attempt.status !== undefined && (this.config.nextUpstream.statuses.includes(attempt.status) || NGINX_FAILURE_STATUSES.has(attempt.status)));
      if (!entry) return;
      entry.sent += 1;
      if (failed) {
        entry.failures += 1;
        entry.passive.failed();
        if (!last) {
          const cause = retryCause(attempt);
          this.metrics.retried(entry.address.name, cause);
          // The instance had the request (it broke the connection, timed out or answered): sent again, it may run twice.
          if (cause !== 'refused' && request.method !== undefined && NON_IDEMPOTENT.has(request.method)) this.metrics.resent(entry.address.name, request.method);
        }
      } else {
        entry.passive.succeeded();
      }
    });
    const answeredBy = attempts.length === 0 ? undefined : this.byAddress(attempts.at(-1)!.address);
    this.metrics.answered(answeredBy?.address.name ?? NO_UPSTREAM, request.status, request.seconds);
  }

  statuses(): NginxUpstreamStatus[] {
    const single = this.tracked.length === 1;
    return this.tracked.map(({ address, passive, sent, failures }) => {
      const resting = !single && passive.resting;
      return {
        name: address.name,
        port: address.port,
        up: !resting,
        why: resting ? `${passive.why ?? 'resting'} (as nginx's passive check, from its access log)` : single ? 'up: nginx never rests the only server of an upstream' : 'up (open-source nginx: passive checks only)',
        requestsSent: sent,
        failures,
      };
    });
  }

  private byAddress(address: string): Tracked | undefined {
    return this.tracked.find((entry) => `127.0.0.1:${entry.address.port}` === address);
  }
}

/** Why nginx moved on from an attempt, in the built-in balancer's words. */
function retryCause(attempt: Attempt): RetryCause {
  if (attempt.status === 504) return 'timeout';
  if (!attempt.noHeader) return 'status';
  return attempt.connected ? 'cut' : 'refused';
}
