/**
 * Health probes as an outside observer sees the app: a GET every 100 ms (never more than
 * one in flight), each marked answered-200 or not. Loopback only; stops when told.
 */
import { assertLoopback } from '../check/http-load.js';

export interface ProbeSample {
  /** When the probe was sent (epoch ms). */
  at: number;
  ok: boolean;
}

export interface Probe {
  samples: ProbeSample[];
  /** Stops probing and waits for the last probe to finish. */
  stop(): Promise<ProbeSample[]>;
}

export function startProbe(url: string, intervalMs = 100, timeoutMs = 1_000): Probe {
  assertLoopback(url);
  const samples: ProbeSample[] = [];
  let inFlight: Promise<void> | undefined;
  const tick = () => {
    if (inFlight) return;
    const at = Date.now();
    inFlight = fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
      .then(async (response) => {
        await response.arrayBuffer();
        samples.push({ at, ok: response.status === 200 });
      })
      .catch(() => {
        samples.push({ at, ok: false });
      })
      .finally(() => (inFlight = undefined));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    samples,
    async stop() {
      clearInterval(timer);
      await inFlight;
      return samples.sort((a, b) => a.at - b.at);
    },
  };
}

/**
 * Waits until a probe sent after `since` succeeded, the time is up, or `giveUp` says there is
 * no point waiting; returns that probe's time.
 */
export async function waitForSuccessAfter(probe: Probe, since: number, maxWaitMs: number, giveUp = () => false): Promise<number | undefined> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const back = probe.samples.find((sample) => sample.ok && sample.at >= since);
    if (back) return back.at;
    if (Date.now() > deadline || giveUp()) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The first failed probe at or after `since`. */
export function firstFailureAfter(samples: ProbeSample[], since: number): number | undefined {
  return samples.find((sample) => !sample.ok && sample.at >= since)?.at;
}
