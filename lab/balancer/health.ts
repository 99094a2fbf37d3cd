/**
 * Active health checks, as NGINX Plus's `health_check` names them: every `interval`, a GET of
 * `uri` on each upstream; `fails` failures in a row (a status outside 2xx, an error, or no
 * answer within the proxy timeouts, as NGINX Plus's checks use them: proxy_read_timeout, 60 s
 * unless set) mark it down, `passes` successes in a row mark it up. A busy instance whose /health
 * waits behind its other requests is slow, not down; one that is gone refuses at once, and one
 * that is leaving answers 503. No check of an upstream starts while its last one waits.
 * A new upstream gets its first check at once and no requests until it passes (NGINX Plus's
 * `mandatory`): an instance still starting is not sent traffic it would refuse. A passing
 * check also ends a rest that failed requests began (max_fails, fail_timeout): an instance back
 * from a crash takes requests within an interval, not after fail_timeout.
 */
import { request } from 'undici';
import type { HealthCheckConfig } from './config.js';
import type { Upstream } from './upstream.js';

/** One upstream's run of check results, and the verdict they give. */
export class CheckCounter {
  up = false;
  why = 'waiting for its first health check';
  private inARow = 0;

  /** `previous` (the same upstream under older settings) hands on its verdict. */
  constructor(
    private readonly fails: number,
    private readonly passes: number,
    previous?: CheckCounter,
  ) {
    if (previous) {
      this.up = previous.up;
      this.why = previous.why;
    }
  }

  /** One check's result; `detail` says what it saw ("200", "connect ECONNREFUSED"). */
  record(passed: boolean, detail: string): void {
    // inARow counts results that go against the current verdict.
    this.inARow = passed === this.up ? 0 : this.inARow + 1;
    if (this.inARow >= (this.up ? this.fails : this.passes)) {
      this.up = passed;
      this.inARow = 0;
    }
    const verdict = this.up ? 'up' : 'down';
    this.why = `${verdict}: health check ${passed ? 'passed' : 'failed'} (${detail})${this.inARow > 0 ? `, ${this.inARow} in a row` : ''}`;
  }
}

/** The checks of every upstream, on one timer. */
export class HealthChecks {
  private readonly timer: NodeJS.Timeout;
  private readonly checking = new Set<Upstream>();

  /** Starts checking the upstreams `list` gives, every config.intervalMs; `onTurn` hears of each that goes up or down. */
  constructor(
    private readonly config: HealthCheckConfig,
    /** How long a check waits for its answer: proxy_read_timeout. */
    private readonly timeoutMs: number,
    private readonly list: () => readonly Upstream[],
    private readonly onTurn: (upstream: Upstream) => void,
  ) {
    this.timer = setInterval(() => {
      for (const upstream of this.list()) this.check(upstream);
    }, config.intervalMs);
  }

  /** Checks one upstream now (a new one), unless a check of it is under way. */
  check(upstream: Upstream): void {
    if (!upstream.checks || this.checking.has(upstream) || upstream.draining) return;
    this.checking.add(upstream);
    void probe(upstream.port, this.config.uri, this.timeoutMs).then((result) => {
      this.checking.delete(upstream);
      const wasUp = upstream.checks?.up;
      upstream.checks?.record(result.passed, result.detail);
      // Up by its checks: a rest after failed requests ends too (an instance back from a crash).
      if (upstream.checks?.up) upstream.passive.forgive();
      if (upstream.checks?.up !== wasUp) this.onTurn(upstream);
    });
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** One GET of `uri` on 127.0.0.1:port, on a connection of its own: passed when a 2xx answer comes within `timeoutMs`. */
async function probe(port: number, uri: string, timeoutMs: number): Promise<{ passed: boolean; detail: string }> {
  try {
    const response = await request(`http://127.0.0.1:${port}${uri}`, { reset: true, signal: AbortSignal.timeout(timeoutMs) });
    await response.body.dump();
    return { passed: response.statusCode >= 200 && response.statusCode < 300, detail: `GET ${uri} answered ${response.statusCode}` };
  } catch (error) {
    const { name, code, message } = error as { name?: string; code?: string; message?: string };
    const detail = name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${code ?? message ?? String(error)}`;
    return { passed: false, detail: `GET ${uri}: ${detail}` };
  }
}
