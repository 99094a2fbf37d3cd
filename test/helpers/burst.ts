/** Fires N requests at once and tallies what came back. Loopback only. */
export interface BurstResult {
  total: number;
  ok: number;
  byStatus: Map<number, number>;
  /** Requests that got no HTTP response at all (reset, refused, timed out). */
  networkErrors: number;
  /** Response bodies of failed requests, for asserting on the cause. */
  errorBodies: string[];
}

export async function burst(url: string, count: number, timeoutMs = 20_000): Promise<BurstResult> {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`burst only targets 127.0.0.1, not ${url}`);
  const result: BurstResult = { total: count, ok: 0, byStatus: new Map(), networkErrors: 0, errorBodies: [] };
  await Promise.all(
    Array.from({ length: count }, async () => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        const body = await response.text();
        result.byStatus.set(response.status, (result.byStatus.get(response.status) ?? 0) + 1);
        if (response.ok) result.ok += 1;
        else result.errorBodies.push(body);
      } catch {
        result.networkErrors += 1;
      }
    }),
  );
  return result;
}
