/**
 * A short, bounded load on a loopback app: `users` loops requesting paths in turn until
 * `seconds` have passed. Returns how many answers of each status came back ('error': no answer).
 */
export async function runLoad(
  baseUrl: string,
  options: { users: number; seconds: number; paths: string[]; tally?: Map<number | 'error', number> },
): Promise<Map<number | 'error', number>> {
  if (!baseUrl.startsWith('http://127.0.0.1:')) throw new Error(`runLoad only targets 127.0.0.1, not ${baseUrl}`);
  const until = Date.now() + options.seconds * 1000;
  // The caller may pass the map to read it while the load runs.
  const tally = options.tally ?? new Map<number | 'error', number>();
  const count = (key: number | 'error') => tally.set(key, (tally.get(key) ?? 0) + 1);
  await Promise.all(
    Array.from({ length: options.users }, async (_, user) => {
      for (let i = user; Date.now() < until; i += 1) {
        const path = options.paths[i % options.paths.length]!;
        try {
          const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(Math.max(until - Date.now(), 1) + 2_000) });
          await response.arrayBuffer();
          count(response.status);
        } catch {
          count('error');
        }
      }
    }),
  );
  return tally;
}
