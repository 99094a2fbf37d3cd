/**
 * The checks' own small loads: a burst of simultaneous requests, and a short run of
 * virtual users. Both target loopback only and end by a deadline, leaving nothing in flight.
 */

export interface BurstTally {
  total: number;
  ok: number;
  /** Answers by HTTP status, e.g. { 200: 45, 500: 5 }. */
  byStatus: Record<number, number>;
  /** Requests that got no answer (refused, reset, timed out). */
  noAnswer: number;
  /** The bodies of answers other than 200, to tell what went wrong. */
  errorBodies: string[];
}

/** Throws unless the URL points at this machine: the checks never load anything else. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`the checks only send load to this machine, not to ${host}`);
  }
}

/** Sends `count` GET requests at once and waits for all of them (each gives up after timeoutMs). */
export async function burst(url: string, count: number, timeoutMs = 10_000): Promise<BurstTally> {
  assertLoopback(url);
  const tally: BurstTally = { total: count, ok: 0, byStatus: {}, noAnswer: 0, errorBodies: [] };
  await Promise.all(
    Array.from({ length: count }, async () => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        const body = await response.text();
        tally.byStatus[response.status] = (tally.byStatus[response.status] ?? 0) + 1;
        if (response.status === 200) tally.ok += 1;
        else tally.errorBodies.push(body);
      } catch {
        tally.noAnswer += 1;
      }
    }),
  );
  return tally;
}

/** "45 answered 200, 5 answered 500" / "3 got no answer". */
export function describeTally(tally: BurstTally): string {
  const parts = Object.entries(tally.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${n} answered ${status}`);
  if (tally.noAnswer > 0) parts.push(`${tally.noAnswer} got no answer`);
  return parts.join(', ');
}

export interface ShortRunResult {
  users: number;
  seconds: number;
  requests: number;
  failed: number;
  byStatus: Record<number, number>;
  noAnswer: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * `users` virtual users, each sending GET requests one after another for `durationMs`.
 * Requests still running at the end get `graceMs` more, then are aborted (and count as failed).
 * Latencies of requests sent in the first `warmUpMs` are left out (that is when all the users
 * open their connections at once); their failures still count.
 */
export async function shortRun(url: string, users: number, durationMs: number, graceMs: number, warmUpMs = 0): Promise<ShortRunResult> {
  assertLoopback(url);
  const latencies: number[] = [];
  const byStatus: Record<number, number> = {};
  let noAnswer = 0;
  let requests = 0;
  const started = performance.now();
  const endAt = started + durationMs;
  const cutOffAt = endAt + graceMs;
  const measureFrom = started + warmUpMs;
  const user = async () => {
    while (performance.now() < endAt) {
      const sent = performance.now();
      try {
        // A signal per request: one shared signal would collect a listener per request.
        const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(1, Math.round(cutOffAt - sent))) });
        await response.arrayBuffer();
        byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
      } catch {
        noAnswer += 1;
      }
      if (sent >= measureFrom) latencies.push(performance.now() - sent);
      requests += 1;
    }
  };
  await Promise.all(Array.from({ length: users }, user));
  const sorted = latencies.sort((a, b) => a - b);
  const failed = noAnswer + Object.entries(byStatus).reduce((sum, [status, n]) => (status === '200' ? sum : sum + n), 0);
  return {
    users,
    seconds: (performance.now() - started) / 1000,
    requests,
    failed,
    byStatus,
    noAnswer,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
  };
}

/** The value below which the given share of the sorted values fall (nearest rank). */
export function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1));
  return sorted[rank]!;
}
