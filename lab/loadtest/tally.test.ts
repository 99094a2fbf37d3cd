/** The tally's bookkeeping, driven by a fake client that fires events in autocannon's order. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RequestTally } from './tally.js';

function setup() {
  let now = 0;
  const tally = new RequestTally({ now: () => now });
  const client = new EventEmitter();
  tally.attach(client);
  const advance = (ms: number) => (now += ms);
  return { tally, client, advance };
}

describe('RequestTally', () => {
  it('times each answer from its own request and sorts it by status', () => {
    const { tally, client, advance } = setup();
    client.emit('request');
    advance(100);
    client.emit('response', 200);
    client.emit('request');
    advance(300);
    client.emit('response', 503);
    client.emit('request');
    advance(50);
    client.emit('response', 404);

    expect(tally.totals()).toEqual({ answered: 3, succeeded: 1, failedHttp5xx: 1, failedOtherStatus: 1, timeouts: 0, connectionErrors: 0 });
    expect(tally.latencyMs()).toMatchObject({ avg: 150, max: 300 });
    expect(tally.inFlight()).toBe(0);
  });

  it('counts a connection error once, then follows the retried request', () => {
    const { tally, client, advance } = setup();
    client.emit('request');
    client.emit('connError', new Error('ECONNRESET'));
    client.emit('request');
    advance(20);
    client.emit('response', 200);

    expect(tally.totals()).toMatchObject({ answered: 1, succeeded: 1, connectionErrors: 1, timeouts: 0 });
    expect(tally.latencyMs().max).toBe(20);
  });

  it('counts a request whose socket closed silently as a connection error', () => {
    const { tally, client } = setup();
    client.emit('request');
    // The server closed the socket: autocannon reconnects and sends again, with no error event.
    client.emit('request');

    expect(tally.totals()).toMatchObject({ connectionErrors: 1, timeouts: 0 });
    expect(tally.inFlight()).toBe(1);
  });

  it('counts a timeout as a timeout, not as a lost connection', () => {
    const { tally, client } = setup();
    client.emit('request');
    // On a timeout autocannon reconnects and sends the next request first, then reports the timeout.
    client.emit('request');
    client.emit('timeout');

    expect(tally.totals()).toMatchObject({ answered: 0, timeouts: 1, connectionErrors: 0 });
    expect(tally.latencyMs().max).toBe(0);
  });

  it('reports the most common 5xx message, from JSON bodies or plain text', () => {
    const { tally } = setup();
    tally.recordServerErrorBody(JSON.stringify({ message: 'sorry, too many clients already' }));
    tally.recordServerErrorBody(JSON.stringify({ message: 'sorry, too many clients already' }));
    tally.recordServerErrorBody('Bad Gateway');

    expect(tally.topServerError()).toEqual({ message: 'sorry, too many clients already', count: 2 });
  });

  it("keeps each route's books apart, and every request in the totals too", () => {
    let now = 0;
    let route = 0;
    const tally = new RequestTally({ routes: 2, now: () => now });
    const client = new EventEmitter();
    tally.attach(client, () => route);
    // Route 0: answered 200 after 10 ms. Route 1: answered 500 after 30 ms.
    client.emit('request');
    now += 10;
    client.emit('response', 200);
    route = 1;
    client.emit('request');
    now += 30;
    client.emit('response', 500);
    // Route 1 again: times out (the client sends its next request, to route 0, then reports it).
    client.emit('request');
    route = 0;
    client.emit('request');
    client.emit('timeout');
    // That route-0 request loses its connection: the client reports it, then sends to route 1.
    client.emit('connError', new Error('ECONNRESET'));
    route = 1;
    client.emit('request');

    expect(tally.totals(0)).toEqual({ answered: 1, succeeded: 1, failedHttp5xx: 0, failedOtherStatus: 0, timeouts: 0, connectionErrors: 1 });
    expect(tally.totals(1)).toEqual({ answered: 1, succeeded: 0, failedHttp5xx: 1, failedOtherStatus: 0, timeouts: 1, connectionErrors: 0 });
    expect(tally.totals()).toEqual({ answered: 2, succeeded: 1, failedHttp5xx: 1, failedOtherStatus: 0, timeouts: 1, connectionErrors: 1 });
    expect(tally.latencyMs(0).max).toBe(10);
    expect(tally.latencyMs(1).max).toBe(30);
    expect(tally.latencyMs()).toMatchObject({ avg: 20, max: 30 });
    expect(tally.inFlight()).toBe(1);
    tally.destroy();
  });
});
