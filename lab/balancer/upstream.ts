/**
 * One instance of the app as the balancer sees it: its connections (an undici Pool on
 * 127.0.0.1), what it is doing (requests in flight, sent, failed) and whether it may get
 * requests — up by its health checks, not resting after failures, not draining.
 */
import { Pool } from 'undici';
import type { BalancerConfig } from './config.js';
import { CheckCounter } from './health.js';
import { PassiveHealth } from './passive-health.js';
import type { UpstreamAddress } from './upstreams-file.js';

/** An upstream as /__balancer/status shows it. */
export interface UpstreamStatus {
  name: string;
  port: number;
  up: boolean;
  /** Why it is up or down, in a few words. */
  why: string;
  activeRequests: number;
  requestsSent: number;
  failures: number;
}

export class Upstream {
  readonly name: string;
  readonly port: number;
  readonly pool: Pool;
  /** Active health checks' verdict; undefined without a health_check line. */
  readonly checks: CheckCounter | undefined;
  readonly passive: PassiveHealth;
  active = 0;
  sent = 0;
  failures = 0;
  /** Gone from the upstreams file (or replaced under new settings): no new requests, the ones in flight finish. */
  draining = false;
  /**
   * The only upstream of the set: as nginx, never rested after failed requests (nginx ignores
   * max_fails and fail_timeout for a single server), since resting it would leave no one to send to.
   */
  alone = false;

  /** `previous`, the same instance under the settings before, hands on its counts and health verdict. */
  constructor(address: UpstreamAddress, config: BalancerConfig, previous?: Upstream) {
    this.name = address.name;
    this.port = address.port;
    // Connections stay open for reuse unless keepalive is 0 (proxy.ts then asks for a new one per
    // request). Unlike nginx, undici does not cap the idle ones at N: each closes after 4 s idle.
    this.pool = new Pool(`http://127.0.0.1:${address.port}`, {
      connectTimeout: config.connectTimeoutMs,
      // proxy_read_timeout is the longest wait between two reads, for the headers and the body alike.
      headersTimeout: config.readTimeoutMs,
      bodyTimeout: config.readTimeoutMs,
    });
    this.checks = config.healthCheck ? new CheckCounter(config.healthCheck.fails, config.healthCheck.passes, previous?.checks) : undefined;
    this.passive = new PassiveHealth(config.maxFails, config.failTimeoutMs);
    this.sent = previous?.sent ?? 0;
    this.failures = previous?.failures ?? 0;
  }

  /** May get a new request. */
  get up(): boolean {
    return !this.draining && (this.checks?.up ?? true) && (this.alone || !this.passive.resting);
  }

  /** A request goes to it. */
  take(): void {
    this.active += 1;
    this.sent += 1;
  }

  /** A request it had is over; a draining upstream closes its connections after its last. */
  release(): void {
    this.active -= 1;
    if (this.draining && this.active === 0) void this.pool.close();
  }

  /** Stops giving it requests; its connections close once the requests in flight are answered. */
  drain(): void {
    this.draining = true;
    if (this.active === 0) void this.pool.close();
  }

  status(): UpstreamStatus {
    return {
      name: this.name,
      port: this.port,
      up: this.up,
      why: this.why(),
      activeRequests: this.active,
      requestsSent: this.sent,
      failures: this.failures,
    };
  }

  private why(): string {
    if (this.draining) return 'draining: no new requests; the ones in flight finish';
    if (this.checks && !this.checks.up) return this.checks.why;
    if (this.alone && this.passive.resting) return 'up: the only instance is never rested after failed requests (as nginx)';
    return this.passive.why ?? this.checks?.why ?? 'up (no health_check; passive checks only)';
  }
}
