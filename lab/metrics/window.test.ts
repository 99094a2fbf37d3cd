import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from './prometheus-text.js';
import { bucketQuantile, snapshotOf, Window } from './window.js';

const at = (second: number, text: string) => snapshotOf(second * 1000, parsePrometheusText(text));

describe('Window', () => {
  it('computes a rate over the window, summing matching series', () => {
    const snapshots = [
      at(0, 'r{code="200"} 0\nr{code="500"} 0'),
      at(1, 'r{code="200"} 10\nr{code="500"} 5'),
      at(5, 'r{code="200"} 50\nr{code="500"} 5'),
    ];
    const window = new Window(snapshots, 5);
    expect(window.rate('r')).toBe(11);
    expect(window.rate('r', { code: /5../ })).toBe(1);
    expect(window.rate('r', { code: '200' })).toBe(10);
    expect(new Window(snapshots, 4).rate('r', { code: '200' })).toBe(10);
  });

  it('takes the newest value for each value of a label, like sum by (label) (gauge)', () => {
    const window = new Window([at(0, 'g{process="worker-1"} 9'), at(1, 'g{process="worker-1",state="idle"} 2\ng{process="worker-1",state="active"} 1\ng{process="app-1"} 0')], 5);
    expect(window.valueBy('g', 'process')).toEqual(new Map([['worker-1', 3], ['app-1', 0]]));
    expect(window.valueBy('g', 'process', { state: 'idle' })).toEqual(new Map([['worker-1', 2]]));
    expect(window.valueBy('missing', 'process').size).toBe(0);
  });

  it('computes a rate for each value of a label, like sum by (label) (rate(…))', () => {
    const snapshots = [
      at(0, 's{query="a",db="x"} 0\ns{query="a",db="y"} 0\ns{query="b",db="x"} 4'),
      at(2, 's{query="a",db="x"} 6\ns{query="a",db="y"} 2\ns{query="b",db="x"} 4\ns{query="c",db="x"} 1'),
    ];
    const window = new Window(snapshots, 5);
    // "c" appeared after the first reading: like any series of a metric already there, it counts from 0.
    expect(window.rateBy('s', 'query')).toEqual(new Map([['a', 4], ['b', 0], ['c', 0.5]]));
    expect(window.rateBy('s', 'query', { db: 'y' })).toEqual(new Map([['a', 1]]));
    expect(window.rateBy('missing', 'query').size).toBe(0);
  });

  it('leaves a gap while the metric is missing and restarts after a reset', () => {
    const down = [at(0, 'r 100'), at(1, 'r 110'), snapshotOf(2000, [])];
    expect(new Window(down, 5).rate('r')).toBeNull();
    const missedOne = [at(0, 'r 100'), snapshotOf(1000, []), at(2, 'r 120')];
    expect(new Window(missedOne, 5).rate('r')).toBe(10);
    const restarted = [at(0, 'r 100'), at(1, 'r 110'), at(2, 'r 3'), at(3, 'r 7')];
    expect(new Window(restarted, 5).rate('r')).toBe(4);
    expect(new Window(restarted.slice(0, 3), 5).rate('r')).toBeNull();
  });

  it('computes an instant rate from the two newest readings, 0 once the counter stops', () => {
    const growing = [at(0, 'r 0'), at(1, 'r 10'), at(2, 'r 30')];
    expect(new Window(growing, 5).irate('r')).toBe(20);
    const stopped = [at(0, 'r 0'), at(1, 'r 10'), at(2, 'r 10')];
    expect(new Window(stopped, 5).irate('r')).toBe(0);
    expect(new Window(stopped, 5).rate('r')).toBe(5);
    expect(new Window([at(0, 'r 3')], 5).irate('r')).toBeNull();
  });

  it('reads a gauge from the newest snapshot', () => {
    const window = new Window([at(0, 'g{state="idle"} 1'), at(1, 'g{state="idle"} 2\ng{state="active"} 3')], 5);
    expect(window.value('g')).toBe(5);
    expect(window.value('g', { state: 'active' })).toBe(3);
    expect(window.value('missing')).toBeNull();
  });

  it('interpolates histogram quantiles like Prometheus', () => {
    const histogram = (n: [number, number, number]) =>
      `h_bucket{le="0.1"} ${n[0]}\nh_bucket{le="1"} ${n[1]}\nh_bucket{le="+Inf"} ${n[2]}`;
    const window = new Window([at(0, histogram([0, 0, 0])), at(1, histogram([50, 100, 100]))], 5);
    expect(window.quantile(0.5, 'h')).toBeCloseTo(0.1);
    expect(window.quantile(0.75, 'h')).toBeCloseTo(0.55);
    expect(new Window([at(0, histogram([1, 1, 1])), at(1, histogram([1, 1, 1]))], 5).quantile(0.5, 'h')).toBeNull();
  });

  it('answers the highest finite bound when the quantile falls in +Inf', () => {
    expect(bucketQuantile(0.99, [[0.1, 0], [1, 0], [Infinity, 10]])).toBe(1);
    expect(bucketQuantile(0.5, [[0.1, 10], [Infinity, 10]])).toBeCloseTo(0.05);
  });
});
