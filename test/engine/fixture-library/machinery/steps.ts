/** The fixture library's one step: books are found by author through an index. */
import type { ScenarioStep } from '../../../../lab/sdk.js';
import { failed, indexesOn, ledBy, passed } from '../../../../lab/sdk.js';

const authorIndex: ScenarioStep = {
  id: 'author-index',
  title: 'Books found by author without reading every shelf',
  required: true,
  hints: ['Which column does the lookup filter on?', 'Look at the indexes on books.', 'CREATE INDEX ON books (author);'],
  needs: ['database'],
  async check({ admin }) {
    const byAuthor = (await indexesOn(admin, ['books'])).filter(ledBy('author'));
    return byAuthor.length > 0
      ? passed(`books has ${byAuthor.map((index) => index.name).join(', ')}`)
      : failed('books has no index led by author', 'index the column the lookup filters on');
  },
};

const steps: readonly ScenarioStep[] = [authorIndex];

export default steps;
