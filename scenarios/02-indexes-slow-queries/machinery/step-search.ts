/**
 * Product search: equality column first, range column second. For a big category, a tiny one
 * and a dear price range, the plan (as the app's role gets it) throws no products away, walks
 * no pages in vain and sorts no more than the page's 20 rows (planWork), whichever index it
 * uses. A range PostgreSQL expects to be nearly empty may rightly be collected through the right
 * index and sorted: a sort of one page's rows or fewer costs nothing. An index led by the price
 * walks pages in vain even where PostgreSQL 18's skip scan makes it fast: the line quotes its
 * pages and jumps, which the learner can compare.
 */
import type pg from 'pg';
import type { StepVerdict, TableIndex } from '../../../lab/sdk.js';
import { describeIndex, failed, indexesOn, passed } from '../../../lab/sdk.js';
import { learnersIndexes } from './page-indexes.js';
import { count, counted, describeRead, findsItsRows, planWork, readPages, wholeTable, type PageRead, type Probe, type ReadWords } from './page-reads.js';
import { pageStep } from './page-step.js';
import { SEARCH_PAGE_ROWS, SEARCH_QUERY } from './queries.js';

type Queryable = Pick<pg.Client, 'query'>;

/** The searches SCENARIO.md EXPLAINs: the biggest category, the smallest, and a dear range. */
export const SEARCH_PROBES: readonly Probe[] = [
  { label: 'books under $25', sql: SEARCH_QUERY, params: ['books', 0, 2_499] },
  { label: 'cameras under $25', sql: SEARCH_QUERY, params: ['cameras', 0, 2_499] },
  { label: 'electronics from $200', sql: SEARCH_QUERY, params: ['electronics', 20_000, 999_999_999] },
];

const WORDS: ReadWords = { table: 'products', things: 'products', shows: `the cheapest ${SEARCH_PAGE_ROWS}`, pageRows: SEARCH_PAGE_ROWS };

export const searchStep = pageStep('search', 'Product search: equality column first, range column second', observeSearch, judgeSearch);

export interface SearchObservation {
  indexes: TableIndex[];
  reads: PageRead[];
}

export async function observeSearch(admin: Queryable): Promise<SearchObservation> {
  return { indexes: await indexesOn(admin, ['products']), reads: await readPages(admin, 'products', SEARCH_PROBES) };
}

export function judgeSearch({ indexes, reads }: SearchObservation): StepVerdict {
  const byName = new Map(indexes.map((index) => [index.name, index]));
  const indexOf = (read: PageRead) => (read.indexName ? byName.get(read.indexName) : undefined);
  const all = reads.map((read) => describeRead(read, WORDS)).join('; ');
  const costly = reads.filter((read) => !findsItsRows(read, WORDS.pageRows) || planWork(read, WORDS.pageRows).sortedRows !== null);
  if (costly.length === 0) return passed(all);

  // The plans' work decided; the indexes' form only words the advice.
  const priceFirst = reads.filter((read) => indexOf(read)?.columns[0] === 'price_cents');
  const costlyPriceFirst = priceFirst.filter((read) => costly.includes(read));
  if (costlyPriceFirst.length > 0) {
    // The probe that paid most pages for what it returned shows the cost of the wrong order best.
    const worst = costlyPriceFirst.reduce((a, b) => (b.pages / Math.max(1, b.returned) > a.pages / Math.max(1, a.returned) ? b : a));
    const index = indexOf(worst)!;
    const jumps = worst.indexSearches !== undefined && worst.indexSearches > 1 ? ` jumped ${count(worst.indexSearches)} times through the index (Index Searches) and` : '';
    const others = priceFirst.filter((read) => read !== worst).map((read) => `${read.label}: ${read.indexSearches !== undefined ? `${counted(read.indexSearches, 'jump')}, ` : ''}${counted(read.pages, 'page')} for ${counted(read.returned, 'row')}`);
    const pricesOnly = !index.columns.includes('category');
    return failed(
      `${describeIndex(index)} starts with the range column: for ${worst.label} it${jumps} visited ${count(worst.pages)} pages to return ${count(worst.returned)} rows` +
        `${wholeTable(worst) ? ` (the table has ${count(worst.tablePages)})` : ''}${others.length > 0 ? `; ${others.join('; ')}` : ''}`,
      pricesOnly
        ? 'the index finds prices, not categories, so every product in the price range is fetched just to test its category. The page compares category with =: that is where its index should start'
        : 'an index is sorted by its first column, so with price first one category\'s products are spread over every price; ' +
          (jumps
            ? 'PostgreSQL 18\'s skip scan saves it here only because the shop has few distinct prices. '
            // A small shop: no skip scan, one search through every product in the price range, of every category.
            : 'the plan goes through every product in the price range, of every category, to find this one\'s. ') +
          'Put the column compared with = first, then compare Buffers for the same search',
    );
  }
  const categoryAlone = costly.find((read) => indexOf(read)?.columns[0] === 'category' && indexOf(read)?.columns[1] !== 'price_cents');
  if (categoryAlone) {
    return failed(
      all,
      'the index finds the category, but not the prices inside it nor their order, so a big category costs as much as the whole table. ' +
        'An index can hold a second column, sorted within the first (Step 4 of SCENARIO.md)',
    );
  }
  const mine = learnersIndexes(indexes);
  if (mine.length > 0) {
    return failed(
      `products has ${mine.map(describeIndex).join(', ')}; ${costly.map((read) => describeRead(read, WORDS)).join('; ')}`,
      'the search compares category with = and price with a range, and sorts by price: an index serves it when it starts with the = column and holds the range column next (Step 4 of SCENARIO.md)',
    );
  }
  return failed(all, 'Step 4 of SCENARIO.md');
}
