/**
 * Puts load on the app as arrivals, not users (`npm run loadtest -- --rate N`): N requests a
 * second at evenly spaced times, whatever the app answers, the way sign-ups arrive at a service
 * (an open model). Each request's latency counts from the time it was meant to be sent, so a
 * server that falls behind cannot hide its queue by slowing the sender down (coordinated
 * omission, which a closed model of waiting users has by design). Loopback only; bounded in time:
 * sending stops after the duration, and the run ends once the requests in flight are answered
 * or reach their timeout.
 */
import http from 'node:http';
import { randomInt } from 'node:crypto';
import { buildRequest, checkMix, createDraw, plainRoute, routePicker } from './mix.js';
import { reportEverySecond, resultOf, type LoadResult, type LoadRun, type LoadTarget, type RunningLoad } from './generator.js';
import { RequestTally } from './tally.js';

export type ArrivalOptions = LoadTarget & LoadRun & {
  /** Requests sent per second, evenly spaced. */
  ratePerSecond: number;
};

/** How often the sender looks for requests that are due: well under the gap between them at the rates the lab allows. */
const TICK_MS = 5;

export function startArrivals(options: ArrivalOptions): RunningLoad {
  const routes = 'routes' in options ? options.routes : [plainRoute(options.route)];
  const draw = createDraw(options.seed ?? randomInt(2 ** 31), options.size ?? {});
  // A mix it cannot send stops here, before anything starts.
  checkMix(routes, createDraw(0, options.size ?? {}));
  const pickRoute = routePicker(routes, draw);
  const tally = new RequestTally({ routes: routes.length });
  // One connection per request in flight, kept for the next one: as many as the app makes wait.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const startedAt = performance.now();
  const elapsedSeconds = () => (performance.now() - startedAt) / 1000;
  const total = Math.floor(options.ratePerSecond * options.durationSeconds);
  const open = new Set<http.ClientRequest>();
  let sent = 0;
  let stoppedEarly = false;
  let stop: () => void = () => undefined;

  const send = (intendedAt: number) => {
    const routeIndex = pickRoute();
    const request = buildRequest(routes[routeIndex]!, draw);
    const outcome = tally.track(routeIndex, intendedAt);
    const outgoing = http.request({ host: '127.0.0.1', port: options.port, method: request.method, path: request.path, headers: request.headers, agent });
    open.add(outgoing);
    outgoing.setTimeout(options.requestTimeoutSeconds * 1000, () => {
      outcome.timedOut();
      outgoing.destroy();
    });
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 500) tally.recordServerErrorBody(Buffer.concat(chunks).toString());
        outcome.answered(status);
        open.delete(outgoing);
      });
      response.on('error', () => outcome.connectionFailed());
    });
    outgoing.on('error', () => outcome.connectionFailed());
    outgoing.on('close', () => {
      // Closed without an answer (refused, reset, destroyed): counted once, whichever came first.
      outcome.connectionFailed();
      open.delete(outgoing);
    });
    outgoing.end(request.body);
  };

  const finished = new Promise<LoadResult>((resolve) => {
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearInterval(sender);
      clearInterval(progressTimer);
      clearTimeout(drainLimit);
      // Its duration is the sending: the answers that came after it belong to requests sent in it.
      const result = resultOf(tally, routes, Math.min(elapsedSeconds(), options.durationSeconds), stoppedEarly);
      for (const request of open) request.destroy();
      agent.destroy();
      tally.destroy();
      resolve(result);
    };
    const sender = setInterval(() => {
      const due = stoppedEarly ? sent : Math.min(total, Math.floor(elapsedSeconds() * options.ratePerSecond) + 1);
      for (; sent < due; sent += 1) send(startedAt + (sent * 1000) / options.ratePerSecond);
      if ((sent >= total || stoppedEarly) && tally.inFlight() === 0) settle();
    }, TICK_MS);
    const progressTimer = reportEverySecond(tally, elapsedSeconds, options.onProgress);
    // Every request ends by its own timeout; this only bounds the run should one not.
    const drainLimit = setTimeout(settle, (options.durationSeconds + options.requestTimeoutSeconds) * 1000 + 5_000);
    stop = () => {
      stoppedEarly = true;
      settle();
    };
  });

  return { stop: () => stop(), finished };
}
