/** Which upstream gets the next request: round robin's fairness, least_conn's preference, and skipping those that may not get it. */
import { describe, expect, it } from 'vitest';
import { chooseUpstream, type Choosable } from '../../lab/balancer/choose.js';
import type { BalancingMethod } from '../../lab/balancer/config.js';

/** Chooses `times` times in a row, keeping the turn as the balancer does; answers the indexes chosen. */
function chooseMany(method: BalancingMethod, upstreams: Choosable[], times: number): (number | undefined)[] {
  let turn = 0;
  const chosen: (number | undefined)[] = [];
  for (let i = 0; i < times; i += 1) {
    const index = chooseUpstream(method, upstreams, turn);
    chosen.push(index);
    if (index !== undefined) turn = index + 1;
  }
  return chosen;
}

const up = (active = 0): Choosable => ({ eligible: true, active });
const down = (active = 0): Choosable => ({ eligible: false, active });

describe('round robin', () => {
  it('takes each upstream in turn, so 300 requests split 100/100/100', () => {
    const chosen = chooseMany('round_robin', [up(), up(), up()], 300);
    expect(chosen.slice(0, 6)).toEqual([0, 1, 2, 0, 1, 2]);
    expect([0, 1, 2].map((index) => chosen.filter((c) => c === index).length)).toEqual([100, 100, 100]);
  });

  it('ignores how busy they are', () => {
    expect(chooseMany('round_robin', [up(50), up(0)], 4)).toEqual([0, 1, 0, 1]);
  });

  it('skips those not eligible, and finds none when none is', () => {
    expect(chooseMany('round_robin', [up(), down(), up()], 4)).toEqual([0, 2, 0, 2]);
    expect(chooseUpstream('round_robin', [down(), down()], 0)).toBeUndefined();
    expect(chooseUpstream('round_robin', [], 0)).toBeUndefined();
  });
});

describe('least_conn', () => {
  it('takes the upstream with the fewest requests in flight', () => {
    expect(chooseUpstream('least_conn', [up(5), up(2), up(7)], 0)).toBe(1);
    expect(chooseUpstream('least_conn', [up(5), up(2), up(7)], 2)).toBe(1);
  });

  it('takes ties in round-robin order', () => {
    expect(chooseMany('least_conn', [up(1), up(3), up(1)], 4)).toEqual([0, 2, 0, 2]);
    expect(chooseMany('least_conn', [up(), up(), up()], 3)).toEqual([0, 1, 2]);
  });

  it('skips those not eligible, however idle', () => {
    expect(chooseUpstream('least_conn', [down(0), up(9), up(4)], 0)).toBe(2);
    expect(chooseUpstream('least_conn', [down(0), down(1)], 0)).toBeUndefined();
  });
});

describe('ip_hash', () => {
  it('sends every request from one address to the same upstream, whatever the turn and how busy it is', () => {
    const upstreams = [up(), up(9), up()];
    const chosen = [0, 1, 2, 5].map((turn) => chooseUpstream('ip_hash', upstreams, turn, '127.0.0.1'));
    expect(new Set(chosen).size).toBe(1);
    // IPv4 by its first three numbers, as nginx: the whole 127.0.0.x block meets the same one.
    expect(chooseUpstream('ip_hash', upstreams, 0, '127.0.0.77')).toBe(chosen[0]);
    expect(chooseUpstream('ip_hash', upstreams, 0, '::ffff:127.0.0.1')).toBe(chosen[0]);
  });

  it('spreads different addresses, and moves one on only while its upstream may not get it', () => {
    const upstreams = [up(), up(), up()];
    const byAddress = Array.from({ length: 30 }, (_, i) => chooseUpstream('ip_hash', upstreams, 0, `10.0.${i}.1`));
    expect(new Set(byAddress).size).toBe(3);
    const home = chooseUpstream('ip_hash', upstreams, 0, '10.0.1.1')!;
    const without = upstreams.map((upstream, index) => (index === home ? down() : upstream));
    expect(chooseUpstream('ip_hash', without, 0, '10.0.1.1')).toBe((home + 1) % 3);
    expect(chooseUpstream('ip_hash', upstreams.map(() => down()), 0, '10.0.1.1')).toBeUndefined();
  });
});
