/**
 * Waiting for a condition instead of sleeping a fixed time: a test on a slow machine waits
 * longer, a test on a fast one goes on at once, and neither races the other's speed.
 */

/**
 * Reads a value every `intervalMs` until `done(value)` holds or `timeoutMs` has passed, and
 * returns the last value read either way, so the caller's assertion shows what was seen.
 */
export async function waitFor<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls the condition every 100 ms until it holds (true) or the time is up (false). */
export function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  return waitFor(condition, (holds) => holds, timeoutMs);
}
