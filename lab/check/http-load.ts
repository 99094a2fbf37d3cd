/**
 * The checks' own small load: a burst of simultaneous requests. It targets loopback only and
 * ends by a deadline, leaving nothing in flight. (The goal's run uses the load test's generator.)
 */

export interface BurstTally {
  total: number;
  /** Requests served (answered 200, unless the burst counts other statuses as served too). */
  ok: number;
  /** Answers by HTTP status, e.g. { 200: 45, 500: 5 }. */
  byStatus: Record<number, number>;
  /** Requests that got no answer (refused, reset, timed out). */
  noAnswer: number;
  /** The bodies of the answers not counted as served, to tell what went wrong. */
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
export function burst(url: string, count: number, timeoutMs = 10_000): Promise<BurstTally> {
  return burstEach(Array.from({ length: count }, () => url), { timeoutMs });
}

/**
 * Sends one GET request to each URL, all at once, and waits for all of them. `ok` lists the
 * statuses that count as served (a 404 for an id that does not exist is an answer too).
 */
export async function burstEach(urls: string[], options: { ok?: number[]; timeoutMs?: number } = {}): Promise<BurstTally> {
  const { ok = [200], timeoutMs = 10_000 } = options;
  for (const url of urls) assertLoopback(url);
  const tally: BurstTally = { total: urls.length, ok: 0, byStatus: {}, noAnswer: 0, errorBodies: [] };
  await Promise.all(
    urls.map(async (url) => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        const body = await response.text();
        tally.byStatus[response.status] = (tally.byStatus[response.status] ?? 0) + 1;
        if (ok.includes(response.status)) tally.ok += 1;
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
