/**
 * The upstreams the balancer sends to, kept equal to the upstreams file: a new entry is added,
 * an entry that disappears is drained, and a changed settings file gives every upstream fresh
 * connections and counters with the new settings (the old connections close after their
 * requests). Picks the upstream for each attempt with the configured method.
 */
import { chooseUpstream } from './choose.js';
import type { BalancerConfig } from './config.js';
import { Upstream } from './upstream.js';
import type { UpstreamAddress } from './upstreams-file.js';

export class UpstreamSet {
  private current: Upstream[] = [];
  private readonly draining = new Set<Upstream>();
  private turn = 0;

  /** `onAdded` hears of each upstream added (its first health check starts there). */
  constructor(
    private config: BalancerConfig,
    private readonly onAdded: (upstream: Upstream) => void = () => undefined,
  ) {}

  /** The upstreams of the file, in its order. */
  get list(): readonly Upstream[] {
    return this.current;
  }

  /** Every upstream still known, the draining ones included, for the status page and metrics. */
  get all(): Upstream[] {
    return [...this.current, ...[...this.draining].filter((upstream) => upstream.active > 0)];
  }

  /** Makes the set the file's list: same name and port keeps the upstream, anything else is new. */
  setAddresses(addresses: readonly UpstreamAddress[]): void {
    const kept = new Map(this.current.map((upstream) => [`${upstream.name}:${upstream.port}`, upstream]));
    const next = addresses.map((address) => {
      const key = `${address.name}:${address.port}`;
      const existing = kept.get(key);
      kept.delete(key);
      return existing ?? this.add(address);
    });
    for (const gone of kept.values()) this.retire(gone);
    this.current = next;
    this.markAlone();
  }

  /** Takes new settings: every upstream starts again with them, the old ones drain. */
  setConfig(config: BalancerConfig): void {
    this.config = config;
    const old = this.current;
    this.current = old.map((upstream) => this.add(upstream, upstream));
    for (const upstream of old) this.retire(upstream);
    this.markAlone();
  }

  private markAlone(): void {
    for (const upstream of this.current) upstream.alone = this.current.length === 1;
  }

  /** The upstream for the next attempt, skipping those down and those already `tried`; undefined when none is left. */
  choose(tried: ReadonlySet<Upstream>, clientAddress = ''): Upstream | undefined {
    const candidates = this.current.map((upstream) => ({ eligible: upstream.up && !tried.has(upstream), active: upstream.active }));
    const index = chooseUpstream(this.config.method, candidates, this.turn, clientAddress);
    if (index === undefined) {
      // As nginx: when failed requests have rested every instance, all are live again for the next
      // request ("quick recovery"), so a moment when all failed together (a restart) is not a
      // fail_timeout without any. This request still finds none.
      if (tried.size === 0) for (const upstream of this.current) upstream.passive.forgive();
      return undefined;
    }
    this.turn = index + 1;
    return this.current[index];
  }

  /** True while an upstream other than those `tried` may get a request. */
  anyLeft(tried: ReadonlySet<Upstream>): boolean {
    return this.current.some((upstream) => upstream.up && !tried.has(upstream));
  }

  /** Closes every connection at once (the balancer is stopping and its requests are over). */
  async close(): Promise<void> {
    await Promise.all([...this.current, ...this.draining].map((upstream) => upstream.pool.destroy()));
  }

  private add(address: UpstreamAddress, previous?: Upstream): Upstream {
    const upstream = new Upstream(address, this.config, previous);
    this.onAdded(upstream);
    return upstream;
  }

  private retire(upstream: Upstream): void {
    upstream.drain();
    if (upstream.active > 0) this.draining.add(upstream);
    for (const done of this.draining) if (done.active === 0) this.draining.delete(done);
  }
}
