/**
 * What Scenario 2 makes of a load-test run (its definition's loadTest.runs): which read pages
 * had an index serving them for the whole run, the run's name from that ("no indexes",
 * "my orders + search", "all three pages"), and the next step in SCENARIO.md's words. The
 * engine loads it when a load test starts.
 */
import type { LabSnapshot, RunAdviceInput, ScenarioRuns } from '../../../lab/sdk.js';
import { indexesOn } from '../../../lab/sdk.js';
import { PAGES, SERVES, type PageId } from './page-indexes.js';
import scenario from './scenario.js';

const PAGE_IDS = Object.keys(PAGES) as PageId[];

/** The snapshot's fact for a page: "myOrdersIndexed". */
function factName(page: PageId): string {
  return `${page}Indexed`;
}

/** The pages an index served for the whole run, in the mix's order; null when the lab's database was not reachable. */
export function indexedPages(snapshot: LabSnapshot): PageId[] | null {
  // Unread facts are false: the engine's own readings, null, tell that the database was not reachable.
  const unread = snapshot.peakConnections === null && snapshot.newSessionsPerRequest === null;
  if (unread || PAGE_IDS.some((page) => snapshot[factName(page)] === undefined)) return null;
  return PAGE_IDS.filter((page) => snapshot[factName(page)] === true);
}

/** "no indexes", "my orders + search", "all three pages", or null when the database could not be read. */
export function automaticLabel(snapshot: LabSnapshot): string | null {
  const pages = indexedPages(snapshot);
  if (pages === null) return null;
  if (pages.length === 0) return 'no indexes';
  if (pages.length === PAGE_IDS.length) return 'all three pages';
  return pages.map((page) => PAGES[page].name).join(' + ');
}

/** The read page a one-route run sent (`--route "my orders"`), by its path in the mix. */
function pageOfRoute(route: string): PageId | undefined {
  const name = scenario.loadTest.mix?.find((entry) => entry.path === route)?.name;
  return PAGE_IDS.find((page) => PAGES[page].name === name);
}

function nextStep({ verdict, summary, snapshot, earlierRuns, general }: RunAdviceInput): string | undefined {
  const pages = indexedPages(snapshot);
  if (pages === null) return undefined;
  if (summary.routes === undefined) {
    // One page alone: slow without an index that serves it is that page's own query, not this machine.
    const page = pageOfRoute(summary.route);
    if (verdict === 'green' || page === undefined || pages.includes(page)) return undefined;
    return `None of your indexes serves ${PAGES[page].name} yet, so for most requests its query reads the whole ${PAGES[page].table} table: \`npm run check\` shows its plan and what to try.`;
  }
  const missing = PAGE_IDS.filter((page) => !pages.includes(page)).map((page) => PAGES[page].name);
  if (verdict === 'green') {
    if (missing.length > 0) {
      return `${general} Yet ${missing.join(' and ')} still ${missing.length === 1 ? 'reads' : 'read'} a whole table on every request: fast enough for this crowd, ` +
        'and it grows with the data. `npm run check` shows the plan.';
    }
    return `${general} Next: what do your indexes cost? (SCENARIO.md, Step 6), then compare your runs (Step 7).`;
  }
  if (pages.length === 0) {
    if (earlierRuns.some((run) => automaticLabel(run.snapshot) === 'no indexes')) {
      return 'The same shop as before: no page has an index yet. Which queries cost the database its time? (SCENARIO.md, Step 2)';
    }
    return 'This is the slowness the shop starts with — expected. Every page waits in the same queue; the database\'s own statistics say which queries cause it (SCENARIO.md, Step 2).';
  }
  if (missing.length > 0) {
    return `Still slow: ${missing.join(' and ')} ${missing.length === 1 ? 'reads' : 'read'} a whole table on every request, and every page waits behind ${missing.length === 1 ? 'it' : 'them'} in the pool's queue. ` +
      '`npm run check` says which plan still reads every row.';
  }
  return undefined;
}

const runs: ScenarioRuns = {
  // For each read page: an index that serves it exists (read at the run's start and end).
  facts: Object.fromEntries(PAGE_IDS.map((page) => [
    factName(page),
    async (client: Parameters<typeof indexesOn>[0]) => (await indexesOn(client, [PAGES[page].table])).some(SERVES[page]),
  ])),
  label: automaticLabel,
  nextStep,
};

export default runs;
