/**
 * nginx's passive health check for one upstream (max_fails, fail_timeout): after `maxFails`
 * failed attempts within `failTimeoutMs`, the upstream gets no requests for `failTimeoutMs`.
 * Then one request may try it again: a failure rests it once more at once, a success forgets
 * the failures (ngx_http_upstream_round_robin.c does the same). max_fails=0 never rests it.
 */

export class PassiveHealth {
  private failures = 0;
  private windowStart = 0;
  private restingUntil: number | undefined;

  /** `now` is the clock in milliseconds (Date.now unless a test steps it). */
  constructor(
    private readonly maxFails: number,
    private readonly failTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True while the upstream rests after too many failures. */
  get resting(): boolean {
    return this.restingUntil !== undefined && this.now() < this.restingUntil;
  }

  /** Why it rests, for the status page; undefined when it does not. */
  get why(): string | undefined {
    if (!this.resting) return undefined;
    const seconds = Math.ceil((this.restingUntil! - this.now()) / 1000);
    return `${this.failures} failed request${this.failures === 1 ? '' : 's'} (max_fails=${this.maxFails}); tried again in ${seconds} s`;
  }

  /** A request it failed (error, timeout, or a status proxy_next_upstream names). */
  failed(): void {
    if (this.maxFails === 0) return;
    const now = this.now();
    // Back from a rest: the first failure rests it again.
    const probing = this.restingUntil !== undefined;
    if (!probing && now - this.windowStart > this.failTimeoutMs) {
      this.failures = 0;
      this.windowStart = now;
    }
    this.failures += 1;
    if (probing || this.failures >= this.maxFails) this.restingUntil = now + this.failTimeoutMs;
  }

  /**
   * Its health check passed: it answers again, so it takes requests at once instead of at the
   * end of a rest (the active checks are the better judge of an instance that came back).
   */
  forgive(): void {
    this.failures = 0;
    this.restingUntil = undefined;
  }

  /** A request it answered. */
  succeeded(): void {
    if (this.restingUntil === undefined || this.resting) return;
    this.failures = 0;
    this.restingUntil = undefined;
  }
}
