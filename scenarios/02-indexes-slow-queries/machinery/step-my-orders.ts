/**
 * "My orders" finds one customer's orders: for the busiest customer and an ordinary one, the
 * plan (as the app's role gets it) throws no orders away and walks no pages in vain (planWork),
 * whichever index it uses. Observed in the database (EXPLAIN (ANALYZE, BUFFERS) of the page's
 * query, and the catalog, which only words the advice), never in src/.
 */
import type pg from 'pg';
import type { StepVerdict, TableIndex } from '../../../lab/sdk.js';
import { describeIndex, failed, indexesOn, passed } from '../../../lab/sdk.js';
import { readSeedInfo } from '../db/seed.js';
import { learnersIndexes } from './page-indexes.js';
import { accessName, count, describeRead, findsItsRows, planWork, readPages, type PageRead, type ReadWords } from './page-reads.js';
import { pageStep } from './page-step.js';
import { MY_ORDERS_PAGE_ROWS, MY_ORDERS_QUERY } from './queries.js';

type Queryable = Pick<pg.Client, 'query'>;

/** The busiest customer: the seed gives the low ids the most orders. */
export const BUSIEST_CUSTOMER = 1;
/** The ordinary customer SCENARIO.md EXPLAINs, present at every size the calibration picks (12 to 65 orders). */
export const ORDINARY_CUSTOMER = 2000;

const WORDS: ReadWords = { table: 'orders', things: 'orders', shows: `the newest ${MY_ORDERS_PAGE_ROWS}`, pageRows: MY_ORDERS_PAGE_ROWS };

export const myOrdersStep = pageStep('my-orders', '"My orders" finds one customer\'s orders through an index', observeMyOrders, judgeMyOrders);

export interface MyOrdersObservation {
  /** Every index on orders, valid or not. */
  indexes: TableIndex[];
  busiest: PageRead;
  ordinary: PageRead;
}

export async function observeMyOrders(admin: Queryable): Promise<MyOrdersObservation> {
  const ordinary = ordinaryCustomer((await readSeedInfo(admin))?.users);
  const [busiest, typical] = await readPages(admin, 'orders', [
    { label: `customer ${BUSIEST_CUSTOMER} (the busiest)`, sql: MY_ORDERS_QUERY, params: [BUSIEST_CUSTOMER] },
    { label: `customer ${ordinary}`, sql: MY_ORDERS_QUERY, params: [ordinary] },
  ]);
  return { indexes: await indexesOn(admin, ['orders']), busiest: busiest!, ordinary: typical! };
}

/** Customer 2000, the walkthrough's, or a customer half-way down the list when a seed smaller than the lab ever picks has fewer. */
export function ordinaryCustomer(users = 0): number {
  return users >= ORDINARY_CUSTOMER ? ORDINARY_CUSTOMER : Math.max(1, Math.ceil(users / 2));
}

export function judgeMyOrders({ indexes, busiest, ordinary }: MyOrdersObservation): StepVerdict {
  const both = `${describeRead(busiest, WORDS)}; ${describeRead(ordinary, WORDS)}`;
  // The ordinary customer first: theirs is the request most customers make.
  const costly = [ordinary, busiest].filter((read) => !findsItsRows(read, WORDS.pageRows));
  if (costly.length === 0) {
    if (planWork(busiest, WORDS.pageRows).sortedRows === null) return passed(both);
    return passed(
      both,
      `for ${busiest.label} the plan fetches and sorts all ${count(busiest.rowsKept)} of their orders to show ${MY_ORDERS_PAGE_ROWS}, and the busiest customers look most often; ` +
        'an index can also keep each customer\'s orders in time order (Step 3 of SCENARIO.md)',
    );
  }
  // The plans' work decided; the indexes' form only words the advice.
  const seen = costly.map((read) => describeRead(read, WORDS)).join('; ');
  const mine = learnersIndexes(indexes);
  const userIdLater = mine.filter((index) => index.columns.indexOf('user_id') > 0);
  if (userIdLater.length > 0) {
    const first = userIdLater[0]!;
    const served = [busiest, ordinary].find((read) => !costly.includes(read) && userIdLater.some((index) => index.name === read.indexName));
    const onlyFor = served ? `; only ${served.label} gets ${accessName(served, 'orders')}, ${count(served.pages)} pages` : '';
    return failed(
      `${describeIndex(first)} exists, but ${seen}${onlyFor}`,
      `that index is sorted by ${first.columns[0]} first, so one customer's orders are spread through all of it, and PostgreSQL uses it ` +
        'at best for the busiest customers, whose orders turn up every few dozen or hundred. Put the column the query compares with = first',
    );
  }
  const ledByUserId = mine.filter((index) => index.columns[0] === 'user_id');
  const usedLedByUserId = costly.map((read) => ledByUserId.find((index) => index.name === read.indexName)).find((index) => index !== undefined);
  if (usedLedByUserId) {
    const read = costly.find((candidate) => candidate.indexName === usedLedByUserId.name)!;
    return failed(
      `${describeIndex(usedLedByUserId)} is used, but ${describeRead(read, WORDS)}`,
      `that index${methodOf(usedLedByUserId)} does not point at each customer's orders, so the plan still reads the pages of every customer and throws most rows away — ` +
        'no planner setting can make a plan cheaper than its index allows. A B-tree index (CREATE INDEX without USING) finds one customer\'s rows (Step 3 of SCENARIO.md)',
    );
  }
  const throughAnother = costly.find((read) => read.indexName !== undefined);
  if (ledByUserId.length > 0 && throughAnother) {
    return failed(
      `${ledByUserId.map(describeIndex).join(', ')} exists, but ${describeRead(throughAnother, WORDS)}`,
      `for ${throughAnother.label} PostgreSQL prefers walking ${throughAnother.indexName} to fetching all their orders through ${ledByUserId[0]!.name} and sorting them. ` +
        'An index that finds one customer\'s orders already in time order serves every customer (Step 3 of SCENARIO.md)',
    );
  }
  if (ledByUserId.length > 0) {
    return failed(
      `${ledByUserId.map(describeIndex).join(', ')} exists, but ${seen}`,
      'run ANALYZE orders; in `npm run db` and check again. If `\\d orders` shows the index as INVALID, a CREATE INDEX was interrupted: drop it and create it again',
    );
  }
  if (mine.length > 0) {
    return failed(
      `orders has ${mine.map(describeIndex).join(', ')}, but no index with user_id; ${seen}`,
      'that index does not find orders by customer, so PostgreSQL reads the whole table or walks past other customers\' orders. The page asks for one user_id (Step 3 of SCENARIO.md)',
    );
  }
  return failed(both, 'Step 2 and Step 3 of SCENARIO.md');
}

/** " (USING brin)" for an index that is not a B-tree, for the advice; "" for a B-tree. */
function methodOf(index: TableIndex): string {
  const method = /\bUSING (\w+) \(/.exec(index.definition)?.[1];
  return method && method !== 'btree' ? ` (USING ${method})` : '';
}
