/**
 * Every ```sql block in README.md and SCENARIO.md runs, in the order a learner meets it, on a
 * copy of the seeded lab database as the app's role (what `npm run db` connects as). Each plan
 * excerpt the text shows after an EXPLAIN block (a ```text block) is what PostgreSQL printed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { LEARNER_DOCS, sqlSteps, unmatchedPlanLines } from '../helpers/markdown.js';

/** Runs one block as a learner would; returns the plan of each EXPLAIN in it, in order. */
async function run(client: pg.Client, sql: string): Promise<string[]> {
  const result = (await client.query(sql)) as pg.QueryResult | pg.QueryResult[];
  return (Array.isArray(result) ? result : [result])
    .filter((statement) => statement.fields?.some((field) => field.name === 'QUERY PLAN'))
    .map((statement) => statement.rows.map((row: Record<string, unknown>) => row['QUERY PLAN']).join('\n'));
}

describe.each(LEARNER_DOCS)('the SQL in %s', (file) => {
  const steps = sqlSteps(file);
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase('docs');
    client = new pg.Client({ connectionString: database.appUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it.runIf(steps.length > 0)('runs block by block, and every plan shown is the plan PostgreSQL prints', async () => {
    for (const step of steps) {
      const where = `${file}:${step.sql.line}`;
      const plans = await run(client, step.sql.body).catch((error: Error) => {
        throw new Error(`the sql block at ${where} failed: ${error.message}\n${step.sql.body}`);
      });
      expect(step.shownPlans.length, `plans shown after ${where}`).toBeLessThanOrEqual(plans.length);
      step.shownPlans.forEach((shown, index) => {
        const plan = plans[index]!;
        expect(unmatchedPlanLines(shown.body, plan), `plan shown at ${file}:${shown.line} vs PostgreSQL's:\n${plan}`).toEqual([]);
      });
    }
  });
});
