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
