/**
 * Puts load on the app: `users` connections to 127.0.0.1, each sending its next request
 * as soon as the previous one ends, for a fixed time: to one path, or to a traffic mix (each
 * request to a route drawn by weight, see mix.ts). Built on autocannon; the counting is ours
 * (see tally.ts).
 */
import autocannon from 'autocannon';
import { randomInt } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { DatasetSize, LoadRoute } from '../scenario/definition.js';
import { buildRequest, checkMix, createDraw, plainRoute, routePicker, sendsOneFixedRequest, type HttpRequest } from './mix.js';
import { RequestTally, type LatencyMs, type TallyCounts } from './tally.js';

/** Where the load goes: one path every user asks for (GET), or a traffic mix. */
export type LoadTarget = { route: string } | { routes: readonly LoadRoute[] };

export type LoadOptions = LoadTarget & LoadRun & {
  /** Simultaneous users, each sending its next request when the last one ends (a closed model). */
  users: number;
};

/** What every load run has, however it sends: where, for how long, with what patience. */
export interface LoadRun {
  port: number;
  durationSeconds: number;
  /** How long one user waits for an answer before giving up on it. */
  requestTimeoutSeconds: number;
  /** Called about once a second while the load runs. */
  onProgress?: (progress: LoadProgress) => void;
  /** The seeded dataset's size, for the parameters a mix draws (ids within range). */
  size?: DatasetSize;
  /** Seeds the draws of routes and parameters, so a run can be replayed; a random seed when absent. */
  seed?: number;
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
  /** Each route's counts and latencies, when the load went to more than one. */
  byRoute?: RouteResult[];
  elapsedSeconds: number;
  inFlightAtEnd: number;
  topServerError: { message: string; count: number } | null;
  /** stop() was called before the time was up. */
  stoppedEarly: boolean;
}

export interface RouteResult {
  route: LoadRoute;
  counts: TallyCounts;
  latencyMs: LatencyMs;
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
 * a crash, a restart) hundreds of users spin at thousands of refused attempts per second,
 * burning the CPU the app needs to come back. Like a person pressing reload, wait a moment first.
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
  const routes = 'routes' in options ? options.routes : [plainRoute(options.route)];
  // A mix it cannot send stops here, before anything starts.
  checkMix(routes, createDraw(0, options.size ?? {}));
  const tally = new RequestTally({ routes: routes.length });
  const traffic = trafficOf(routes, options, tally);
  const startedAt = performance.now();
  const elapsedSeconds = () => (performance.now() - startedAt) / 1000;
  let stoppedEarly = false;
  let instance: autocannon.Instance | undefined;

  // Started before autocannon, so that even a synchronous failure of its set-up clears them.
  const progressTimer = reportEverySecond(tally, elapsedSeconds, options.onProgress);
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
      const result = resultOf(tally, routes, elapsedSeconds(), stoppedEarly);
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
        requests: [traffic.first],
        setupClient: (client) => {
          const routeOf = traffic.drawEachRequest?.(client) ?? (() => 0);
          // After the draw's listener: the tally asks which route each request went to.
          tally.attach(client as unknown as EventEmitter, routeOf);
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

/** Tells `onProgress` about once a second how the run goes. The caller clears the timer. */
export function reportEverySecond(tally: RequestTally, elapsedSeconds: () => number, onProgress?: (progress: LoadProgress) => void): NodeJS.Timeout {
  let lastAnswered = 0;
  return setInterval(() => {
    const counts = tally.totals();
    onProgress?.({
      elapsedSeconds: elapsedSeconds(),
      answersPerSecond: counts.answered - lastAnswered,
      succeeded: counts.succeeded,
      failed: counts.answered - counts.succeeded + counts.timeouts + counts.connectionErrors,
      p99Ms: tally.latencyMs().p99,
      counts,
    });
    lastAnswered = counts.answered;
  }, 1_000);
}

/** What a run measured, from its tally (before the tally is destroyed). */
export function resultOf(tally: RequestTally, routes: readonly LoadRoute[], elapsedSeconds: number, stoppedEarly: boolean): LoadResult {
  return {
    counts: tally.totals(),
    latencyMs: tally.latencyMs(),
    ...(routes.length > 1 ? { byRoute: routes.map((route, index) => ({ route, counts: tally.totals(index), latencyMs: tally.latencyMs(index) })) } : {}),
    elapsedSeconds,
    inFlightAtEnd: tally.inFlight(),
    topServerError: tally.topServerError(),
    stoppedEarly,
  };
}

interface Traffic {
  /** The request autocannon builds first (a fixed load sends only it). */
  first: autocannon.Request;
  /**
   * For a mix: draws each request of this client before it is sent, and returns which route
   * the one being sent goes to. Absent when every request is the same.
   */
  drawEachRequest?: (client: autocannon.Client) => () => number;
}

function trafficOf(routes: readonly LoadRoute[], options: LoadOptions, tally: RequestTally): Traffic {
  // autocannon keeps each body anyway; reading the failed ones tells us why they failed.
  const onResponse = (status: number, body: string) => {
    if (status >= 500) tally.recordServerErrorBody(body);
  };
  const entry = (request: HttpRequest): autocannon.Request => ({ ...request, onResponse });
  const draw = createDraw(options.seed ?? randomInt(2 ** 31), options.size ?? {});
  if (sendsOneFixedRequest(routes)) return { first: entry(buildRequest(routes[0]!, draw)) };
  const pickRoute = routePicker(routes, draw);
  return {
    // Replaced by a drawn one before it is ever sent.
    first: entry({ method: 'GET', path: '/', headers: {} }),
    drawEachRequest(client) {
      const slot = { route: 0 };
      // The client announces each request before it writes it: that is when the next one is drawn
      // (its 'request' event is missing from autocannon's types, as for the tally).
      (client as unknown as EventEmitter).on('request', () => {
        slot.route = pickRoute();
        client.setRequests([entry(buildRequest(routes[slot.route]!, draw))]);
      });
      return () => slot.route;
    },
  };
}
