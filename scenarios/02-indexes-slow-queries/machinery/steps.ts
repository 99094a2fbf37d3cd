/**
 * Scenario 2's steps, in the learner's order, as `npm run check` verifies them and
 * `npm run hint` hints at them: the engine's reproduce and goal (with a freshness probe), around
 * this scenario's checks of the three read pages and of what the indexes cost. Every page check
 * EXPLAINs the pristine queries in the database: a cache in src/server.ts changes none of them,
 * and only the goal's freshness probe sees it.
 */
import type { RunRecord, ScenarioStep } from '../../../lab/sdk.js';
import { goalStep, reproduceStep } from '../../../lab/sdk.js';
import { freshOrders } from './freshness.js';
import { HINTS } from './hints.js';
import { PAGES } from './page-indexes.js';
import { indexedPages } from './runs.js';
import { indexCostStep } from './step-index-cost.js';
import { myOrdersStep } from './step-my-orders.js';
import { operationsStep } from './step-operations.js';
import { searchStep } from './step-search.js';
import scenario from './scenario.js';

/** A run against the shop as shipped: no read page had an index. */
export function ranOnTheBrokenApp(run: RunRecord): boolean {
  return indexedPages(run.snapshot)?.length === 0;
}

/** A run with an index serving each of the three read pages for the whole run. */
export function fixesInPlace(run: RunRecord): boolean {
  return indexedPages(run.snapshot)?.length === Object.keys(PAGES).length;
}

const steps: readonly ScenarioStep[] = [
  reproduceStep(scenario, {
    title: 'Reproduce the slow pages with a load test',
    hints: HINTS.reproduce,
    ranOnTheBrokenApp,
    shows: 'slowness',
  }),
  myOrdersStep,
  searchStep,
  operationsStep,
  indexCostStep,
  goalStep(scenario, {
    waitsFor: [myOrdersStep.id, searchStep.id, operationsStep.id],
    fixesInPlace,
    hints: HINTS.goal,
    probe: freshOrders,
  }),
];

export default steps;
