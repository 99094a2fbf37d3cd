/**
 * When the app process answering at a URL started, as its own metrics say
 * (process_start_time_seconds, prom-client's default metrics): two readings that agree name the
 * same process, so nothing restarted it in between.
 */
import { assertLoopback } from '../check/http-load.js';
import { parsePrometheusText } from './prometheus-text.js';

/**
 * When the app process serving `appUrl` started (ms since the epoch), or undefined if it does not
 * say within `timeoutMs` (a swamped app answers its /metrics late).
 */
export async function appStartedAt(appUrl: string, timeoutMs = 3_000): Promise<number | undefined> {
  assertLoopback(appUrl);
  try {
    const response = await fetch(`${appUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const sample = parsePrometheusText(await response.text()).find((s) => s.name === 'process_start_time_seconds');
    return sample ? sample.value * 1000 : undefined;
  } catch {
    return undefined;
  }
}
