/**
 * The operations page finds the pending orders without reading the others: the plan for
 * 'pending' (as the app's role gets it) throws no orders away and walks no pages in vain
 * (planWork), whichever index it uses and however its WHERE is written. An index that is used
 * but only sorts by time is the trap: it walks almost every order before it meets a pending one.
 */
import type pg from 'pg';
import type { StepVerdict, TableIndex } from '../../../lab/sdk.js';
import { describeIndex, failed, indexesOn, passed } from '../../../lab/sdk.js';
import { learnersIndexes } from './page-indexes.js';
import { accessName, count, describeRead, findsItsRows, pagesOf, planWork, readPages, type PageRead, type ReadWords } from './page-reads.js';
import { pageStep } from './page-step.js';
import { OPERATIONS_PAGE_ROWS, OPERATIONS_QUERY } from './queries.js';

type Queryable = Pick<pg.Client, 'query'>;

const WORDS: ReadWords = { table: 'orders', things: 'orders', shows: `the oldest ${OPERATIONS_PAGE_ROWS}`, pageRows: OPERATIONS_PAGE_ROWS };

export const operationsStep = pageStep('operations', 'Operations page finds the pending orders without reading the others', observeOperations, judgeOperations);

export interface OperationsObservation {
  indexes: TableIndex[];
  pending: PageRead;
  /** Rows in orders (the seed's count and whatever was placed since), for the tip on an index of every order. */
  orders: number;
}

export async function observeOperations(admin: Queryable): Promise<OperationsObservation> {
  const [pending] = await readPages(admin, 'orders', [{ label: 'status \'pending\'', sql: OPERATIONS_QUERY, params: ['pending'] }]);
  const orders = await admin.query<{ n: string }>('SELECT count(*) AS n FROM orders');
  return { indexes: await indexesOn(admin, ['orders']), pending: pending!, orders: Number(orders.rows[0]!.n) };
}

export function judgeOperations({ indexes, pending, orders }: OperationsObservation): StepVerdict {
  const seen = describeRead(pending, WORDS);
  const used = indexes.find((index) => index.name === pending.indexName);
  if (findsItsRows(pending, WORDS.pageRows)) {
    // Found without reading the others; the tip only words what the index holds.
    const sorted = planWork(pending, WORDS.pageRows).sortedRows !== null;
    if (used?.predicate !== null && !sorted) return passed(seen);
    const wholeIndex = used?.predicate === null
      ? `holds an entry for all ${count(orders)} orders (${used.size}) to serve the 1 in 100 that is pending`
      : undefined;
    const tip = sorted
      ? `it fetches and sorts every pending order to show ${WORDS.pageRows}${wholeIndex ? `, and ${wholeIndex}` : ''}; an index can keep them in time order (Step 5 of SCENARIO.md, options B and C)`
      : `it ${wholeIndex}; an index can hold only the rows a page asks for (Step 5 of SCENARIO.md, option C)`;
    return passed(seen, tip);
  }
  if (used) {
    const work = planWork(pending, WORDS.pageRows);
    if (work.threwAway !== null) {
      return failed(
        `status 'pending': ${accessName(pending, 'orders')} walked ${count(pending.rowsRead)} orders, threw away ${count(work.threwAway)} ` +
          `that were not pending and kept ${count(pending.rowsKept)} — ${pagesOf(pending)}`,
        'the index puts orders in time order but does not find the pending ones: PostgreSQL expected one in a hundred all along the way, and they are all at the newest end. ' +
          'The index must find pending orders, not only sort them',
      );
    }
    // Status checked inside the index: nothing is thrown away by a filter, so the pages tell.
    const why = used.columns[0] !== 'status' && used.predicate === null
      ? `this index is sorted by ${used.columns[0]} first, so the pending orders sit at its far end and PostgreSQL checks the status entry by entry. `
      : 'the plan reads index entries it does not keep. ';
    return failed(
      `status 'pending': ${accessName(pending, 'orders')} read index entries one by one to find ${count(pending.returned)} pending orders — ${pagesOf(pending)}`,
      `${why}Put the column compared with = first, or index only the rows the page lists`,
    );
  }
  const onStatus = learnersIndexes(indexes).filter((index) => `${index.columns.join(' ')} ${index.predicate ?? ''}`.includes('status'));
  if (onStatus.length > 0) {
    return failed(
      `${onStatus.map(describeIndex).join(', ')} exists, but ${seen}`,
      'that index holds the orders this page never shows. Which status is rare? pg_stats (most_common_vals, most_common_freqs for orders.status) tells you',
    );
  }
  return failed(seen, 'Step 5 of SCENARIO.md');
}
