/**
 * Counts what happened to every request, by listening to each autocannon client.
 *
 * We keep our own books instead of trusting autocannon's totals because they are uneven:
 * its latency histogram includes non-2xx answers but leaves out errors and timeouts; a
 * socket the server closes without answering is reconnected silently and counted nowhere;
 * and after such a close its queue still holds the lost request, so the next latency it
 * reports is measured from the lost request's start. Here every request ends in exactly
 * one of: answered (by status), timed out, or lost with its connection.
 */
import type { EventEmitter } from 'node:events';
import * as hdr from 'hdr-histogram-js';

/** Latencies are recorded in microseconds, up to one hour. */
const MICROSECONDS_PER_MS = 1_000;
const HIGHEST_TRACKABLE_US = 3_600_000_000;

export interface TallyCounts {
  /** HTTP answers of any status. */
  answered: number;
  succeeded: number;
  failedHttp5xx: number;
  failedOtherStatus: number;
  timeouts: number;
  /** Connection refused or reset, or closed by the server before it answered. */
  connectionErrors: number;
}

export interface LatencyMs {
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export class RequestTally {
  private readonly latency = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
  });
  private latencySumMs = 0;
  private readonly waiting = new Set<{ sentAt: number }>();
  private readonly serverErrorMessages = new Map<string, number>();
  private counts: TallyCounts = { answered: 0, succeeded: 0, failedHttp5xx: 0, failedOtherStatus: 0, timeouts: 0, connectionErrors: 0 };
  /** Requests whose connection went away unanswered; a timeout also looks like this for a moment (see attach). */
  private lostWithConnection = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Follows one autocannon client (pass it from autocannon's `setupClient`). Relies on the
   * order in which its events fire: a client sends its next request only after the previous
   * one was answered, failed with its connection (`connError` first, then the new request),
   * or timed out (the new `request` first, then `timeout`).
   */
  attach(client: EventEmitter): void {
    const state = { sentAt: 0 };
    client.on('request', () => {
      // Still waiting for the previous one: its connection was closed, or it timed out.
      if (this.waiting.has(state)) this.lostWithConnection += 1;
      state.sentAt = this.now();
      this.waiting.add(state);
    });
    client.on('response', (statusCode: number) => {
      if (!this.waiting.delete(state)) return;
      this.recordAnswer(statusCode, this.now() - state.sentAt);
    });
    client.on('connError', () => {
      this.counts.connectionErrors += 1;
      this.waiting.delete(state);
    });
    client.on('timeout', () => {
      // The client already sent its next request, which counted the timed-out one as lost.
      this.lostWithConnection -= 1;
      this.counts.timeouts += 1;
    });
  }

  /** Remembers why a 5xx answer failed, from its body (Fastify's JSON `message`, or the text itself). */
  recordServerErrorBody(body: string): void {
    const message = serverErrorMessage(body);
    if (message) this.serverErrorMessages.set(message, (this.serverErrorMessages.get(message) ?? 0) + 1);
  }

  /** The counts so far; connection errors include requests lost with their connection. */
  totals(): TallyCounts {
    return { ...this.counts, connectionErrors: this.counts.connectionErrors + this.lostWithConnection };
  }

  /** Requests sent and not yet answered nor failed: at the end, those the time limit cut off. */
  inFlight(): number {
    return this.waiting.size;
  }

  latencyMs(): LatencyMs {
    const count = this.counts.answered;
    if (count === 0) return { avg: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    const at = (percentile: number) => this.latency.getValueAtPercentile(percentile) / MICROSECONDS_PER_MS;
    return {
      avg: this.latencySumMs / count,
      p50: at(50),
      p95: at(95),
      p99: at(99),
      max: this.latency.maxValue / MICROSECONDS_PER_MS,
    };
  }

  topServerError(): { message: string; count: number } | null {
    let top: { message: string; count: number } | null = null;
    for (const [message, count] of this.serverErrorMessages) if (!top || count > top.count) top = { message, count };
    return top;
  }

  /** Frees the histogram's memory. */
  destroy(): void {
    this.latency.destroy();
  }

  private recordAnswer(statusCode: number, latencyMs: number): void {
    this.counts.answered += 1;
    if (statusCode >= 200 && statusCode < 300) this.counts.succeeded += 1;
    else if (statusCode >= 500) this.counts.failedHttp5xx += 1;
    else this.counts.failedOtherStatus += 1;
    this.latencySumMs += latencyMs;
    this.latency.recordValue(Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(latencyMs * MICROSECONDS_PER_MS))));
  }
}

const MAX_MESSAGE_LENGTH = 160;

function serverErrorMessage(body: string): string {
  let message = body;
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not JSON: keep the text.
  }
  message = message.replace(/\s+/g, ' ').trim();
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message;
}
