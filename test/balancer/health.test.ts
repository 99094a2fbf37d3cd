/** An upstream's health verdicts: nginx's passive max_fails/fail_timeout (on a stepped clock), and the active checks' fails and passes in a row. */
import { describe, expect, it } from 'vitest';
import { CheckCounter } from '../../lab/balancer/health.js';
import { PassiveHealth } from '../../lab/balancer/passive-health.js';

/** A clock the test moves by hand. */
function steppedClock() {
  let now = 1_000_000;
  return { now: () => now, step: (ms: number) => (now += ms) };
}

describe('PassiveHealth (max_fails, fail_timeout)', () => {
  it('rests the upstream after max_fails failures within fail_timeout, for fail_timeout', () => {
    const clock = steppedClock();
    const health = new PassiveHealth(2, 10_000, clock.now);
    health.failed();
    expect(health.resting).toBe(false);
    clock.step(5_000);
    health.failed();
    expect(health.resting).toBe(true);
    expect(health.why).toBe('2 failed requests (max_fails=2); tried again in 10 s');
    clock.step(9_999);
    expect(health.resting).toBe(true);
    clock.step(1);
    expect(health.resting).toBe(false);
  });

  it('forgets failures older than fail_timeout', () => {
    const clock = steppedClock();
    const health = new PassiveHealth(2, 10_000, clock.now);
    health.failed();
    clock.step(10_001);
    health.failed();
    expect(health.resting).toBe(false);
  });

  it('after a rest, one failure rests it again and one success clears it', () => {
    const clock = steppedClock();
    const health = new PassiveHealth(3, 1_000, clock.now);
    for (let i = 0; i < 3; i += 1) health.failed();
    clock.step(1_000);
    expect(health.resting).toBe(false);
    health.failed();
    expect(health.resting).toBe(true);
    clock.step(1_000);
    health.succeeded();
    health.failed();
    health.failed();
    expect(health.resting).toBe(false);
  });

  it('never rests with max_fails=0', () => {
    const health = new PassiveHealth(0, 10_000, steppedClock().now);
    for (let i = 0; i < 100; i += 1) health.failed();
    expect(health.resting).toBe(false);
  });
});

describe('CheckCounter (health_check fails, passes)', () => {
  it('starts down until a check passes, then needs `fails` failures in a row', () => {
    const counter = new CheckCounter(2, 1);
    expect([counter.up, counter.why]).toEqual([false, 'waiting for its first health check']);
    counter.record(true, 'GET /health answered 200');
    expect(counter.up).toBe(true);
    counter.record(false, 'GET /health: ECONNREFUSED');
    expect([counter.up, counter.why]).toEqual([true, 'up: health check failed (GET /health: ECONNREFUSED), 1 in a row']);
    counter.record(true, 'GET /health answered 200');
    counter.record(false, 'x');
    expect(counter.up).toBe(true);
    counter.record(false, 'x');
    expect(counter.up).toBe(false);
  });

  it('needs `passes` successes in a row to come back', () => {
    const counter = new CheckCounter(1, 3);
    counter.record(true, 'ok');
    counter.record(true, 'ok');
    counter.record(true, 'ok');
    expect(counter.up).toBe(true);
    counter.record(false, 'x');
    expect(counter.up).toBe(false);
    counter.record(true, 'ok');
    counter.record(true, 'ok');
    counter.record(false, 'x');
    counter.record(true, 'ok');
    counter.record(true, 'ok');
    expect(counter.up).toBe(false);
    counter.record(true, 'ok');
    expect(counter.up).toBe(true);
  });

  it('hands its verdict to the counter that follows it under new settings', () => {
    const before = new CheckCounter(1, 1);
    before.record(true, 'ok');
    expect(new CheckCounter(2, 2, before).up).toBe(true);
  });
});
