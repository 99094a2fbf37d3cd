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

/** The counts and latencies of one set of requests: all of a run's, or one route's. */
class Book {
  readonly latency = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
  });
  latencySumMs = 0;
  counts: TallyCounts = { answered: 0, succeeded: 0, failedHttp5xx: 0, failedOtherStatus: 0, timeouts: 0, connectionErrors: 0 };
  /** Requests whose connection went away unanswered; a timeout also looks like this for a moment (see attach). */
  lostWithConnection = 0;

  recordAnswer(statusCode: number, latencyMs: number): void {
    this.counts.answered += 1;
    if (statusCode >= 200 && statusCode < 300) this.counts.succeeded += 1;
    else if (statusCode >= 500) this.counts.failedHttp5xx += 1;
    else this.counts.failedOtherStatus += 1;
    this.latencySumMs += latencyMs;
    this.latency.recordValue(Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(latencyMs * MICROSECONDS_PER_MS))));
  }

  totals(): TallyCounts {
    return { ...this.counts, connectionErrors: this.counts.connectionErrors + this.lostWithConnection };
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
}

/** The outcomes of a request tracked with RequestTally.track: the first one called counts, the rest are ignored. */
export interface TrackedRequest {
  answered(statusCode: number): void;
  timedOut(): void;
  connectionFailed(): void;
}

export interface TallyOptions {
  /** How many routes the requests go to (numbered from 0); each gets its own counts when more than one. */
  routes?: number;
  now?: () => number;
}

export class RequestTally {
  private readonly all = new Book();
  /** One book per route when there are several (each request is also in `all`). */
  private readonly byRoute: Book[];
  private readonly now: () => number;
  private readonly waiting = new Set<{ sentAt: number }>();
  private readonly serverErrorMessages = new Map<string, number>();

  constructor(options: TallyOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    const routes = options.routes ?? 1;
    this.byRoute = routes > 1 ? Array.from({ length: routes }, () => new Book()) : [];
  }

  /**
   * Follows one autocannon client (pass it from autocannon's `setupClient`); `routeOf` says
   * which route the request being sent goes to, when asked at its `request` event. Relies on
   * the order in which the client's events fire: it sends its next request only after the
   * previous one was answered, failed with its connection (`connError` first, then the new
   * request), or timed out (the new `request` first, then `timeout`).
   */
  attach(client: EventEmitter, routeOf: () => number = () => 0): void {
    const state = { sentAt: 0, route: 0, lostRoute: 0 };
    client.on('request', () => {
      // Still waiting for the previous one: its connection was closed, or it timed out.
      if (this.waiting.has(state)) {
        for (const book of this.books(state.route)) book.lostWithConnection += 1;
        state.lostRoute = state.route;
      }
      state.route = routeOf();
      state.sentAt = this.now();
      this.waiting.add(state);
    });
    client.on('response', (statusCode: number) => {
      if (!this.waiting.delete(state)) return;
      const latencyMs = this.now() - state.sentAt;
      for (const book of this.books(state.route)) book.recordAnswer(statusCode, latencyMs);
    });
    client.on('connError', () => {
      for (const book of this.books(state.route)) book.counts.connectionErrors += 1;
      this.waiting.delete(state);
    });
    client.on('timeout', () => {
      // The client already sent its next request, which counted the timed-out one as lost.
      for (const book of this.books(state.lostRoute)) {
        book.lostWithConnection -= 1;
        book.counts.timeouts += 1;
      }
    });
  }

  /**
   * One request sent by a generator of our own (an open-model run: lab/loadtest/arrivals.ts), in
   * flight until one of the returned outcomes is called. `startedAt` is when it was meant to be
   * sent, in this tally's clock: its latency counts from then, so a slow start is not hidden.
   */
  track(route: number, startedAt: number): TrackedRequest {
    const state = { sentAt: startedAt };
    this.waiting.add(state);
    const settle = (record: (book: Book) => void) => {
      if (!this.waiting.delete(state)) return;
      for (const book of this.books(route)) record(book);
    };
    return {
      answered: (statusCode) => settle((book) => book.recordAnswer(statusCode, this.now() - state.sentAt)),
      timedOut: () => settle((book) => (book.counts.timeouts += 1)),
      connectionFailed: () => settle((book) => (book.counts.connectionErrors += 1)),
    };
  }

  /** Remembers why a 5xx answer failed, from its body (Fastify's JSON `message`, or the text itself). */
  recordServerErrorBody(body: string): void {
    const message = serverErrorMessage(body);
    if (message) this.serverErrorMessages.set(message, (this.serverErrorMessages.get(message) ?? 0) + 1);
  }

  /** The counts so far, of every request or of one route's; connection errors include requests lost with their connection. */
  totals(route?: number): TallyCounts {
    return this.book(route).totals();
  }

  /** Requests sent and not yet answered nor failed: at the end, those the time limit cut off. */
  inFlight(): number {
    return this.waiting.size;
  }

  /** The latencies of answered requests, of every request or of one route's. */
  latencyMs(route?: number): LatencyMs {
    return this.book(route).latencyMs();
  }

  topServerError(): { message: string; count: number } | null {
    let top: { message: string; count: number } | null = null;
    for (const [message, count] of this.serverErrorMessages) if (!top || count > top.count) top = { message, count };
    return top;
  }

  /** Frees the histograms' memory. */
  destroy(): void {
    for (const book of [this.all, ...this.byRoute]) book.latency.destroy();
  }

  private book(route: number | undefined): Book {
    return route === undefined ? this.all : this.byRoute[route] ?? this.all;
  }

  private books(route: number): Book[] {
    const own = this.byRoute[route];
    return own ? [this.all, own] : [this.all];
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
