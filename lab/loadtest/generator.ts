/**
 * Puts load on the app: `users` connections to 127.0.0.1, each sending its next request
 * as soon as the previous one ends, for a fixed time. Built on autocannon; the counting
 * is ours (see tally.ts).
 */
import autocannon from 'autocannon';
import type { EventEmitter } from 'node:events';
import { RequestTally, type LatencyMs, type TallyCounts } from './tally.js';

export interface LoadOptions {
  port: number;
  route: string;
  users: number;
  durationSeconds: number;
  /** How long one user waits for an answer before giving up on it. */
  requestTimeoutSeconds: number;
  /** Called about once a second while the load runs. */
  onProgress?: (progress: LoadProgress) => void;
}

export interface LoadProgress {
  elapsedSeconds: number;
  /** HTTP answers in the last second. */
  answersPerSecond: number;
  succeeded: number;
  failed: number;
  p99Ms: number;
  /** Every request so far by outcome (what the dashboard shows as the users felt it). */
  counts: TallyCounts;
}

export interface LoadResult {
  counts: TallyCounts;
  latencyMs: LatencyMs;
  elapsedSeconds: number;
  inFlightAtEnd: number;
  topServerError: { message: string; count: number } | null;
  /** stop() was called before the time was up. */
  stoppedEarly: boolean;
}

export interface RunningLoad {
  /** Ends the load now (Ctrl-C); `finished` then resolves with what was measured so far. */
  stop(): void;
  finished: Promise<LoadResult>;
}

/** How long a user waits before connecting again after its connection was refused or reset. */
const RECONNECT_PAUSE_MS = 100;

/** The part of autocannon's (undocumented) client that reconnects. */
interface ReconnectingClient extends EventEmitter {
  _connect?: () => void;
  destroyed?: boolean;
}

/**
 * autocannon reconnects the instant a connection fails, so while the app is down (a drill,
 * a crash, a restart) 200 users spin at thousands of refused attempts per second, burning the
 * CPU the app needs to come back. Like a person pressing reload, wait a moment first.
 * If a later autocannon renames its internals, this quietly does nothing.
 */
function pauseAfterConnectionError(client: ReconnectingClient): void {
  const connect = client._connect;
  if (typeof connect !== 'function') return;
  let pauseNext = false;
  client.on('connError', () => (pauseNext = true));
  client._connect = function reconnect(this: ReconnectingClient) {
    if (!pauseNext) return connect.call(this);
    pauseNext = false;
    setTimeout(() => {
      if (!this.destroyed) connect.call(this);
    }, RECONNECT_PAUSE_MS);
  };
}

/** Extra time past the duration before we stop autocannon ourselves, should its own timer not fire. */
const STOP_GRACE_MS = 5_000;

export function startLoad(options: LoadOptions): RunningLoad {
  const tally = new RequestTally();
  const startedAt = performance.now();
  const elapsedSeconds = () => (performance.now() - startedAt) / 1000;
  let stoppedEarly = false;
  let lastAnswered = 0;
  let instance: autocannon.Instance | undefined;

  // Started before autocannon, so that even a synchronous failure of its set-up clears them.
  const progressTimer = setInterval(() => {
    const counts = tally.totals();
    options.onProgress?.({
      elapsedSeconds: elapsedSeconds(),
      answersPerSecond: counts.answered - lastAnswered,
      succeeded: counts.succeeded,
      failed: counts.answered - counts.succeeded + counts.timeouts + counts.connectionErrors,
      p99Ms: tally.latencyMs().p99,
      counts,
    });
    lastAnswered = counts.answered;
  }, 1_000);
  const guard = setTimeout(() => instance?.stop(), options.durationSeconds * 1000 + STOP_GRACE_MS);

  const finished = new Promise<LoadResult>((resolve, reject) => {
    const settle = (error: unknown) => {
      clearInterval(progressTimer);
      clearTimeout(guard);
      if (error) {
        tally.destroy();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const result: LoadResult = {
        counts: tally.totals(),
        latencyMs: tally.latencyMs(),
        elapsedSeconds: elapsedSeconds(),
        inFlightAtEnd: tally.inFlight(),
        topServerError: tally.topServerError(),
        stoppedEarly,
      };
      tally.destroy();
      resolve(result);
    };
    instance = autocannon(
      {
        // Loopback only: the lab never sends load anywhere but this machine.
        url: `http://127.0.0.1:${options.port}`,
        connections: options.users,
        duration: options.durationSeconds,
        timeout: options.requestTimeoutSeconds,
        requests: [
          {
            method: 'GET',
            path: options.route,
            // autocannon keeps each body anyway; reading the failed ones tells us why they failed.
            onResponse: (status, body) => {
              if (status >= 500) tally.recordServerErrorBody(body);
            },
          },
        ],
        setupClient: (client) => {
          tally.attach(client as unknown as EventEmitter);
          pauseAfterConnectionError(client as unknown as ReconnectingClient);
        },
      },
      settle,
    );
  });

  return {
    stop() {
      stoppedEarly = true;
      instance?.stop();
    },
    finished,
  };
}
