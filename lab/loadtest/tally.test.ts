/** The tally's bookkeeping, driven by a fake client that fires events in autocannon's order. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RequestTally } from './tally.js';

function setup() {
  let now = 0;
  const tally = new RequestTally(() => now);
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
});
