/**
 * A scenario only the tests know, whose load test sends a traffic mix: two reads (one with a
 * skewed id) and a write with a JSON body. It has no app, schema or seed of its own; the tests
 * run its load test against a scripted server (test/integration/loadtest-mix.test.ts).
 */
import type { ScenarioDefinition } from '../../../../lab/sdk.js';

const scenario: ScenarioDefinition = {
  number: 99,
  title: 'A Shop That Only Tests Visit',
  summary: 'A fixture for the engine: a load test with a traffic mix.',
  concepts: ['traffic mixes'],
  level: 'beginner',
  minutes: 1,
  status: 'in progress',
  database: { name: 'fixture_shop', role: 'fixture_app', password: 'fixture_app', tables: ['items'] },
  files: { app: 'src/server.ts', schema: 'db/schema.sql', solutionFiles: { 'src/server.ts': 'solution/server.ts' }, solutionSql: 'solution/fix.sql', solutionSqlSummary: 'nothing', pristine: {} },
  dataset: {
    unit: 'items',
    unitSteps: [40],
    options: { items: { default: 40, min: 1, max: 1_000, help: 'how many items' } },
    seed: () => Promise.reject(new Error('the mix fixture has no database to seed')),
    seededSize: () => Promise.resolve(undefined),
  },
  loadTest: {
    users: 8,
    route: '/items?page=1',
    mix: [
      { name: 'list', weight: 3, path: '/items?page=:page', params: (draw) => ({ page: draw.integer(1, 5) }) },
      { name: 'item', weight: 2, path: '/items/:id', params: (draw) => ({ id: draw.integer(1, draw.size.items!, 2) }) },
      { name: 'add', weight: 1, method: 'POST', path: '/items', body: (draw) => ({ name: draw.pick(['pen', 'cup', 'hat']), quantity: draw.integer(1, 3) }) },
    ],
    // The items the load test added are those past the seed's 40 (tests give it a database with that table).
    undoWrites: { sql: 'DELETE FROM items WHERE id > 40', what: 'the items the load test added' },
    durationSeconds: 2,
    requestTimeoutSeconds: 5,
    p99GoalMs: 1_000,
  },
  calibration: { state: 'the item list', route: '/items?page=1', targetWaitSeconds: 1, keepWaitSeconds: { min: 0.5, max: 2 } },
  drills: { databaseProbeRoute: '/items?page=1' },
  checks: { fixes: 'no fixes', steps: () => Promise.resolve({ default: [] }) },
};

export default scenario;
