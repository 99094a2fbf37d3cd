/**
 * Scenario 2's reading of a load-test run (scenarios/02-indexes-slow-queries/machinery/runs.ts): which
 * pages had an index, the run's name, and the next step it gives.
 */
import { describe, expect, it } from 'vitest';
import type { LabSnapshot, RunRecord } from '../../../lab/runs/run-record.js';
import runs, { automaticLabel } from '../../../scenarios/02-indexes-slow-queries/machinery/runs.js';
import { fixesInPlace, ranOnTheBrokenApp } from '../../../scenarios/02-indexes-slow-queries/machinery/steps.js';
import { runRecord } from '../../helpers/run-records.js';

const snapshot = (pages: { myOrders?: boolean; search?: boolean; operations?: boolean } = {}): LabSnapshot => ({
  myOrdersIndexed: pages.myOrders ?? false,
  searchIndexed: pages.search ?? false,
  operationsIndexed: pages.operations ?? false,
  newSessionsPerRequest: 0,
  peakConnections: 10,
});
const run = (facts: LabSnapshot): RunRecord => ({ ...runRecord(), snapshot: facts });
const mixSummary = { ...runRecord().summary, route: 'mix', routes: [] };

describe('automaticLabel', () => {
  it('names the pages that had an index for the whole run', () => {
    expect(automaticLabel(snapshot())).toBe('no indexes');
    expect(automaticLabel(snapshot({ myOrders: true }))).toBe('my orders');
    expect(automaticLabel(snapshot({ myOrders: true, search: true }))).toBe('my orders + search');
    expect(automaticLabel(snapshot({ search: true, operations: true }))).toBe('search + pending orders');
    expect(automaticLabel(snapshot({ myOrders: true, search: true, operations: true }))).toBe('all three pages');
  });

  it('gives no label when the database could not be read', () => {
    expect(automaticLabel({ ...snapshot(), newSessionsPerRequest: null, peakConnections: null })).toBeNull();
  });
});

describe('the goal and reproduce read the same facts', () => {
  it('a run with no page indexed is the shop as shipped; one with all three has every fix', () => {
    expect(ranOnTheBrokenApp(run(snapshot()))).toBe(true);
    expect(ranOnTheBrokenApp(run(snapshot({ search: true })))).toBe(false);
    expect(fixesInPlace(run(snapshot({ myOrders: true, search: true, operations: true })))).toBe(true);
    expect(fixesInPlace(run(snapshot({ myOrders: true, search: true })))).toBe(false);
  });
});

describe('the next step after a run', () => {
  const advise = (facts: LabSnapshot, verdict: RunRecord['verdict'], earlierRuns: RunRecord[] = []) =>
    runs.nextStep!({ verdict, summary: mixSummary, snapshot: facts, earlierRuns, general: 'Healthy.' });

  it('calls the first slow run of the shop as shipped expected, and points at the database\'s statistics', () => {
    expect(advise(snapshot(), 'amber')).toMatch(/^This is the slowness the shop starts with — expected\..*Step 2\)\.$/);
    expect(advise(snapshot(), 'amber', [run(snapshot())])).toMatch(/^The same shop as before/);
  });

  it('names the pages still without an index while the run is slow', () => {
    expect(advise(snapshot({ myOrders: true }), 'amber')).toMatch(/^Still slow: search and pending orders read a whole table on every request/);
  });

  it('after a green run with a page still unindexed, names that page instead of calling the shop done', () => {
    expect(advise(snapshot({ myOrders: true, search: true }), 'green')).toBe(
      'Healthy. Yet pending orders still reads a whole table on every request: fast enough for this crowd, and it grows with the data. `npm run check` shows the plan.',
    );
  });

  it('after a slow run of one page alone, says that page has no index serving it, not that the machine is busy', () => {
    const myOrders = { ...runRecord().summary, route: '/users/:userId/orders' };
    const alone = (facts: LabSnapshot, verdict: RunRecord['verdict']) => runs.nextStep!({ verdict, summary: myOrders, snapshot: facts, earlierRuns: [], general: 'Slow.' });
    expect(alone(snapshot({ search: true }), 'amber')).toBe('None of your indexes serves my orders yet, so for most requests its query reads the whole orders table: `npm run check` shows its plan and what to try.');
    expect(alone(snapshot({ myOrders: true }), 'amber')).toBeUndefined();
    expect(alone(snapshot(), 'green')).toBeUndefined();
  });

  it('after a green run with all three, sends the learner to what the indexes cost', () => {
    expect(advise(snapshot({ myOrders: true, search: true, operations: true }), 'green')).toBe('Healthy. Next: what do your indexes cost? (SCENARIO.md, Step 6), then compare your runs (Step 7).');
  });
});
