/**
 * The built-in dashboard's small PromQL: rates, sums and histogram quantiles computed from
 * the last few one-second snapshots the lab server took itself, so the dashboard needs no
 * Prometheus. Each function mirrors one PromQL function named in lab/dashboard/panels.ts.
 */
import type { Labels, Sample } from './prometheus-text.js';

/** Everything read at one moment: the app's samples and the lab exporter's, side by side. */
export interface Snapshot {
  /** Unix time in milliseconds. */
  time: number;
  /** Samples by metric name. A metric that could not be read (app down) is simply absent. */
  metrics: Map<string, Sample[]>;
}

/** A label matcher: an exact value, or a regular expression that must match the whole value (as in PromQL's =~). */
export type Matcher = Record<string, string | RegExp>;

export function snapshotOf(time: number, samples: Sample[]): Snapshot {
  const metrics = new Map<string, Sample[]>();
  for (const sample of samples) {
    const list = metrics.get(sample.name);
    if (list) list.push(sample);
    else metrics.set(sample.name, [sample]);
  }
  return { time, metrics };
}

function matches(labels: Labels, matcher: Matcher | undefined): boolean {
  if (!matcher) return true;
  for (const [name, wanted] of Object.entries(matcher)) {
    const actual = labels[name] ?? '';
    if (typeof wanted === 'string' ? actual !== wanted : !new RegExp(`^(?:${wanted.source})$`).test(actual)) return false;
  }
  return true;
}

/** sum(metric{matcher}) at one snapshot; null when the metric is absent. */
export function sumAt(snapshot: Snapshot, name: string, matcher?: Matcher): number | null {
  const samples = snapshot.metrics.get(name);
  if (!samples) return null;
  let total = 0;
  for (const sample of samples) if (matches(sample.labels, matcher)) total += sample.value;
  return total;
}

/** Snapshots (oldest first) covering the last `seconds` up to and including the newest. */
export class Window {
  constructor(
    private readonly snapshots: readonly Snapshot[],
    private readonly seconds: number,
  ) {}

  private get latest(): Snapshot | undefined {
    return this.snapshots[this.snapshots.length - 1];
  }



  /** Like sum(metric{…}): the newest value; null when the newest snapshot lacks it. */
  value(name: string, matcher?: Matcher): number | null {
    const latest = this.latest;
    return latest ? sumAt(latest, name, matcher) : null;
  }

  /**
   * Like sum(rate(metric{…}[window])): per-second increase of a counter, in the window.
   * After a reset (the app restarted) only the snapshots since the reset count; with fewer
   * than two readings, or when the newest snapshot lacks the metric (the app is down right
   * now), there is no rate (null).
   */
  rate(name: string, matcher?: Matcher): number | null {
    const points = this.counterPoints((snapshot) => sumAt(snapshot, name, matcher));
    if (!points) return null;
    const first = points[0]!;
    const last = points[points.length - 1]!;
    return (last.value - first.value) / ((last.time - first.time) / 1000);
  }

  /** Like sum by (label) (metric{…}): the newest value of each value the label takes. */
  valueBy(name: string, label: string, matcher?: Matcher): Map<string, number> {
    const values = new Map<string, number>();
    for (const sample of this.latest?.metrics.get(name) ?? []) {
      if (!matches(sample.labels, matcher)) continue;
      const key = sample.labels[label] ?? '';
      values.set(key, (values.get(key) ?? 0) + sample.value);
    }
    return values;
  }

  /**
   * Like sum by (label) (rate(metric{…}[window])): the rate of each value the label takes in
   * the newest snapshot, those with no rate left out.
   */
  rateBy(name: string, label: string, matcher?: Matcher): Map<string, number> {
    const rates = new Map<string, number>();
    const values = new Set((this.latest?.metrics.get(name) ?? []).filter((sample) => matches(sample.labels, matcher)).map((sample) => sample.labels[label] ?? ''));
    for (const value of values) {
      const rate = this.rate(name, { ...matcher, [label]: value });
      if (rate !== null) rates.set(value, rate);
    }
    return rates;
  }

  /**
   * Like sum(irate(metric{…}[window])): the per-second increase between the two newest
   * readings in the window, so it drops to 0 as soon as the counter stops growing.
   */
  irate(name: string, matcher?: Matcher): number | null {
    const points = this.counterPoints((snapshot) => sumAt(snapshot, name, matcher));
    if (!points) return null;
    const previous = points[points.length - 2]!;
    const last = points[points.length - 1]!;
    return (last.value - previous.value) / ((last.time - previous.time) / 1000);
  }

  /**
   * Like histogram_quantile(q, sum by (le) (rate(metric_bucket{…}[window]))): the q-quantile
   * of what was observed in the window, interpolated linearly inside the bucket the way
   * Prometheus does. Null when nothing was observed.
   */
  quantile(q: number, histogram: string, matcher?: Matcher): number | null {
    const bucketName = `${histogram}_bucket`;
    const points = this.counterPoints((snapshot) => sumAt(snapshot, bucketName, matcher));
    if (!points) return null;
    const first = points[0]!;
    const last = points[points.length - 1]!;
    const increases = new Map<number, number>();
    for (const sample of last.snapshot.metrics.get(bucketName) ?? []) {
      if (!matches(sample.labels, matcher)) continue;
      const le = Number(sample.labels.le === '+Inf' ? Infinity : sample.labels.le);
      increases.set(le, (increases.get(le) ?? 0) + sample.value);
    }
    for (const sample of first.snapshot.metrics.get(bucketName) ?? []) {
      if (!matches(sample.labels, matcher)) continue;
      const le = Number(sample.labels.le === '+Inf' ? Infinity : sample.labels.le);
      increases.set(le, (increases.get(le) ?? 0) - sample.value);
    }
    return bucketQuantile(q, [...increases].sort((a, b) => a[0] - b[0]));
  }

  /** The readings of a counter in the window since its last reset, oldest first; null unless there are two and the newest snapshot has it. */
  private counterPoints(read: (snapshot: Snapshot) => number | null): Point[] | null {
    const newest = this.latest;
    if (!newest) return null;
    const since = newest.time - this.seconds * 1000;
    let run: Point[] = [];
    for (const snapshot of this.snapshots) {
      if (snapshot.time < since) continue;
      const value = read(snapshot);
      // A missed reading (a scrape that timed out) is skipped, as Prometheus does; only
      // the newest one must be there, so a stopped app shows as a gap.
      if (value === null) continue;
      const previous = run[run.length - 1];
      // A counter that went down was reset: what came before no longer counts.
      if (previous && value < previous.value) run = [];
      run.push({ time: snapshot.time, value, snapshot });
    }
    const last = run[run.length - 1];
    if (run.length < 2 || !last || last.snapshot !== newest) return null;
    return run;
  }
}

interface Point {
  time: number;
  value: number;
  snapshot: Snapshot;
}

/** Prometheus's bucketQuantile over cumulative [upper bound, count] pairs sorted by bound. */
export function bucketQuantile(q: number, buckets: Array<[number, number]>): number | null {
  const total = buckets[buckets.length - 1]?.[1] ?? 0;
  if (buckets.length < 2 || total <= 0 || buckets[buckets.length - 1]![0] !== Infinity) return null;
  const rank = q * total;
  let index = buckets.findIndex(([, count]) => count >= rank);
  if (index === buckets.length - 1) return buckets[buckets.length - 2]![0];
  if (index < 0) index = buckets.length - 1;
  const [upper, count] = buckets[index]!;
  const [lower, below] = index === 0 ? [0, 0] : buckets[index - 1]!;
  if (index === 0 && upper <= 0) return upper;
  return lower + (upper - lower) * ((rank - below) / (count - below));
}
