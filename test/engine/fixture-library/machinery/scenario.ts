/**
 * A scenario only the engine's tests know (test/engine/fixture-scenario.test.ts): a lending
 * library with one slow lookup. Every name in it differs from the real scenarios', so a test
 * can tell the engine took its facts from here.
 */
import pg from 'pg';
import type { ScenarioDefinition } from '../../../../lab/sdk.js';
import { seededBooks, seedLibrary } from '../db/seed.js';

const scenario: ScenarioDefinition = {
  number: 98,
  title: 'A Lending Library That Only Tests Visit',
  summary: 'A fixture for the engine: one table, one slow lookup, one step.',
  concepts: ['fixtures'],
  level: 'beginner',
  minutes: 1,
  status: 'in progress',
  database: { name: 'library', role: 'librarian', password: 'librarian', tables: ['books'] },
  files: {
    app: 'src/server.ts',
    schema: 'db/schema.sql',
    solutionSql: 'solution/fix.sql',
    solutionSqlSummary: 'the author index',
    pristine: { 'src/server.ts': 'machinery/pristine/server.ts.txt' },
  },
  // An app and its clerks: a fleet of three processes at start, so the engine's tests see several.
  processes: [
    { role: 'app', entry: 'src/server.ts', count: { default: 1, min: 1, max: 1 }, http: true },
    { role: 'clerk', entry: 'src/clerk.ts', count: { default: 2, min: 0, max: 4 }, http: false },
  ],
  dataset: {
    unit: 'books',
    unitSteps: [2_000],
    options: { books: { default: 2_000, min: 100, max: 100_000, help: 'how many books' } },
    async seed(url, request) {
      const books = request.size.books ?? 2_000;
      const result = await seedLibrary(url, books, request.force ?? false);
      return { skipped: result.skipped, size: { books }, rows: books, seconds: result.seconds };
    },
    async seededSize(url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const books = await seededBooks(client);
        return books === undefined ? undefined : { books };
      } finally {
        await client.end();
      }
    },
  },
  loadTest: { users: 5, route: '/authors/7/books', durationSeconds: 2, requestTimeoutSeconds: 5, p99GoalMs: 1_000 },
  calibration: { state: 'the shelves', route: '/authors/7/books', targetWaitSeconds: 1, keepWaitSeconds: { min: 0, max: 100 } },
  drills: { databaseProbeRoute: '/authors/7/books' },
  checks: { fixes: 'the author index', steps: () => import('./steps.js') },
};

export default scenario;
