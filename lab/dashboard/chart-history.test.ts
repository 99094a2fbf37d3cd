import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../metrics/prometheus-text.js';
import { snapshotOf, Window } from '../metrics/window.js';
import { scenario } from '../../test/helpers/project-lab.js';
import { chartSeries, History } from './chart-history.js';
import { panelsFor } from './panels.js';

const panels = panelsFor(scenario);

const window = (maxConnections: number) => new Window([snapshotOf(0, parsePrometheusText(`lab_db_max_connections ${maxConnections}`))], 10);
const column = (panelId: string, label: string) => {
  const index = chartSeries(panels).findIndex(({ key }) => key === `${panelId}/${label}`);
  if (index < 0) throw new Error(`no series ${panelId}/${label}`);
  return index;
};
const maxColumn = column('connections', 'max_connections');

describe('History', () => {
  it('keeps one point per reading, and leaves a gap where readings stopped', () => {
    const history = new History(panels);
    history.record(1_000_000, window(100));
    history.record(1_001_000, window(100));
    // The lab was stopped for a minute.
    history.record(1_061_000, window(90));
    const slice = history.since();
    expect(slice.times).toEqual([1_000, 1_001, 1_002, 1_061]);
    expect(slice.values[maxColumn]).toEqual([100, 100, null, 90]);
  });

  it('comes back from what it saved, without points older than its capacity', () => {
    const before = new History(panels, 60);
    for (let second = 0; second < 30; second += 1) before.record((1_000 + second) * 1000, window(100));
    const saved = JSON.parse(JSON.stringify(before.save())) as unknown;

    const after = new History(panels, 60);
    // Restarted 40 s after the last point (1,029): points before 1,009 are now older than 60 s.
    after.restore(saved, 1_069_000);
    const slice = after.since();
    expect(slice.times[0]).toBe(1_009);
    expect(slice.times).toHaveLength(21);
    expect(slice.values[maxColumn]!.every((value) => value === 100)).toBe(true);
    // New readings follow the restored ones, after a gap.
    after.record(1_070_000, window(100));
    expect(after.since(1_029).times).toEqual([1_030, 1_070]);
  });

  it('matches saved series by panel and label, and ignores a file it cannot use', () => {
    const history = new History(panels);
    history.restore({ series: ['connections/max_connections', 'gone/panel'], times: [1_000], values: [[100], [7]] }, 1_000_500);
    const slice = history.since();
    expect(slice.values[maxColumn]).toEqual([100]);
    expect(slice.values.filter((values) => values[0] !== null)).toHaveLength(1);

    for (const junk of [undefined, 'text', { times: [1] }, { series: [], times: [1, 2], values: [[1]] }]) {
      const empty = new History(panels);
      empty.restore(junk, 1_000_500);
      expect(empty.since().times).toEqual([]);
    }
  });
});
