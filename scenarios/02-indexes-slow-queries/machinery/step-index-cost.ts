/**
 * Every index the learner added earns its keep: each is in the plan of some page for realistic
 * parameters (drawn by the load test's own generator, with the busiest and the ordinary
 * customer), planned as the app's role plans them, and none repeats the first columns of
 * another. Judged by plans rather than by pg_stat_user_indexes alone: the planner itself reads
 * an index led by a range column to learn a column's lowest and highest values, and that counts
 * as a scan although no page used it.
 */
import type pg from 'pg';
import type { DatasetSize, IndexUse, LoadRoute, ScenarioStep, StepVerdict, TableIndex } from '../../../lab/sdk.js';
import { accessesTo, createDraw, describeIndex, explain, failed, indexesOn, indexUse, LabError, passed, redundantPrefixes, sizeForDraws } from '../../../lab/sdk.js';
import { DEFAULT_ORDERS, shopSize } from '../db/seed.js';
import { withAppRoleSettings } from './app-role-settings.js';
import { HINTS } from './hints.js';
import { learnersIndexes } from './page-indexes.js';
import { count } from './page-reads.js';
import { MY_ORDERS_QUERY, OPERATIONS_QUERY, SEARCH_QUERY } from './queries.js';
import scenario from './scenario.js';
import { BUSIEST_CUSTOMER, ordinaryCustomer } from './step-my-orders.js';

type Queryable = Pick<pg.Client, 'query'>;

/** The shop's tables an index of the learner's may be on. */
const TABLES = ['orders', 'order_items', 'products', 'users'];
/** Realistic requests per read page: enough for every common shape, cheap to plan (EXPLAIN without ANALYZE). */
const SAMPLES_PER_PAGE = 20;
/** A fixed seed: the same sample every time, so a line never changes between two checks of the same database. */
const SAMPLE_SEED = 2;

export const indexCostStep: ScenarioStep = {
  id: 'index-cost',
  title: 'Every index you added earns its keep',
  required: true,
  hints: HINTS['index-cost'],
  needs: ['database'],
  check: async ({ admin, adminDatabaseUrl }) => judgeIndexCost(await observeIndexCost(admin, await sizeForDraws(scenario, adminDatabaseUrl))),
};

export interface IndexCostObservation {
  /** The learner's indexes (none backing a constraint). */
  indexes: TableIndex[];
  redundant: Array<{ index: TableIndex; coveredBy: TableIndex }>;
  /** Index names that appeared in some sampled page's plan. */
  used: Set<string>;
  /** How many requests were planned. */
  requests: number;
  /** pg_stat_user_indexes, to explain an unused index the learner sees counted as used. */
  counted: Map<string, IndexUse>;
}

export async function observeIndexCost(admin: Queryable, size: DatasetSize): Promise<IndexCostObservation> {
  const all = await indexesOn(admin, TABLES);
  const indexes = learnersIndexes(all);
  const queries = sampleRequests(size);
  const used = new Set<string>();
  await withAppRoleSettings(admin, async () => {
    for (const { sql, params, table } of queries) {
      for (const access of accessesTo(await explain(admin, sql, params), table)) if (access.indexName) used.add(access.indexName);
    }
  });
  return {
    indexes,
    redundant: redundantPrefixes(all).filter(({ index }) => !index.backsConstraint),
    used,
    requests: queries.length,
    counted: await indexUse(admin, TABLES),
  };
}

/** The sampled page queries: searches and customers as the load test draws them (with the busiest and the ordinary customer), and the pending orders. */
export function sampleRequests(size: DatasetSize): Array<{ sql: string; params: unknown[]; table: string }> {
  const draw = createDraw(SAMPLE_SEED, size);
  const search = mixRoute('search');
  const myOrders = mixRoute('my orders');
  const searches = Array.from({ length: SAMPLES_PER_PAGE }, () => {
    const { category, min, max } = search.params!(draw);
    return { sql: SEARCH_QUERY, params: [category, min, max], table: 'products' };
  });
  const customers = [BUSIEST_CUSTOMER, ordinaryCustomer(shopSize(size.orders ?? DEFAULT_ORDERS).users), ...Array.from({ length: SAMPLES_PER_PAGE - 2 }, () => myOrders.params!(draw).userId)];
  return [
    ...searches,
    ...customers.map((userId) => ({ sql: MY_ORDERS_QUERY, params: [userId], table: 'orders' })),
    { sql: OPERATIONS_QUERY, params: ['pending'], table: 'orders' },
  ];
}

export function judgeIndexCost({ indexes, redundant, used, requests, counted }: IndexCostObservation): StepVerdict {
  if (indexes.length === 0) return failed('no indexes besides the primary keys and unique constraints', 'Step 6 of SCENARIO.md');
  const sized = (index: TableIndex) => `${index.name} (${index.size})`;
  const unused = indexes.filter((index) => !used.has(index.name));
  if (unused.length > 0) {
    const served = indexes.filter((index) => used.has(index.name));
    return failed(
      `in the plans of ${requests} realistic requests (${SAMPLES_PER_PAGE} searches, ${SAMPLES_PER_PAGE} customers' orders, the operations page): ` +
        `${list(unused.map((index) => `${sized(index)}${peeked(counted.get(index.name))}`))} ${unused.length === 1 ? 'was' : 'were'} never used` +
        `${served.length > 0 ? `; used: ${served.map(sized).join(', ')}` : ''}`,
      'an index no page uses still costs every order placed a write, and its space (Step 6 of SCENARIO.md)',
    );
  }
  const first = redundant[0];
  if (first) {
    return failed(
      `${describeIndex(first.index)} is the first column${first.index.columns.length === 1 ? '' : 's'} of ${describeIndex(first.coveredBy)}, which serves every query it serves`,
      'two indexes doing one job, and every order placed writes both (Step 6 of SCENARIO.md)',
    );
  }
  return passed(`each is used by a page: ${indexes.map(sized).join(', ')}`);
}

/** Why pg_stat_user_indexes counts uses of an index no page used: the planner's one-entry peeks at a column's lowest and highest values. */
function peeked(use: IndexUse | undefined): string {
  if (!use || use.scans === 0 || use.entriesRead > 1.1 * use.scans) return '';
  return ` (pg_stat_user_indexes counts ${count(use.scans)} uses of it, about one entry each: the planner peeking at the lowest and highest value)`;
}

function list(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function mixRoute(name: string): LoadRoute {
  const route = scenario.loadTest.mix?.find((candidate) => candidate.name === name);
  if (!route?.params) throw new LabError('SCENARIO_DEFINITION', `The shop's traffic has no route "${name}" with parameters: its check of the indexes samples that route's requests.`);
  return route;
}
