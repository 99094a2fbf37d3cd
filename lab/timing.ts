/** Waiting without leaving timers behind: small helpers the supervisor and the database share. */

/** Resolves after ms milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Polls `ready` every `pollMs` until it holds or `timeoutMs` has passed; answers whether it held. */
export async function until(ready: () => Promise<boolean>, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return true;
    if (Date.now() >= deadline) return false;
    await delay(pollMs);
  }
}

/** True if the promise settles within the time; the timer never outlives the wait. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
