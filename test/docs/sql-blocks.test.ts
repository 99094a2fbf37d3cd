/**
 * Every ```sql block in README.md and SCENARIO.md runs, in the order a learner meets it, on a
 * copy of the seeded lab database as the app's role (what `npm run db` connects as). Each plan
 * excerpt the text shows after an EXPLAIN block (a ```text block per EXPLAIN in it) is what
 * PostgreSQL printed. The commands of a ```bash block that change the database on the way
 * (`npm run reset` drops the learner's indexes, `npm run solve` runs the solution's SQL) do the
 * same here, so the blocks after them meet the database the learner has.
 */
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropLearnerIndexes } from '../../lab/reset/scenario-state.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { fencedBlocks, LEARNER_DOCS, sqlSteps, unmatchedPlanLines } from '../helpers/markdown.js';
import { SCENARIO_FILES, lab } from '../helpers/project-lab.js';

/** Runs one block as a learner would; returns the plan of each EXPLAIN in it, in order. */
async function run(client: pg.Client, sql: string): Promise<string[]> {
  const result = (await client.query(sql)) as pg.QueryResult | pg.QueryResult[];
  return (Array.isArray(result) ? result : [result])
    .filter((statement) => statement.fields?.some((field) => field.name === 'QUERY PLAN'))
    .map((statement) => statement.rows.map((row: Record<string, unknown>) => row['QUERY PLAN']).join('\n'));
}

/** What a ```bash block's commands do to the database, in order: the lab's own reset and solve. */
function databaseCommands(body: string): Array<'reset' | 'solve'> {
  return body
    .split('\n')
    .map((line) => /^\s*npm run (reset|solve)\b/.exec(line)?.[1] as 'reset' | 'solve' | undefined)
    .filter((command) => command !== undefined);
}

describe.each(LEARNER_DOCS)('the SQL in %s', (file) => {
  const steps = sqlSteps(file);
  const commandBlocks = fencedBlocks(file).filter((block) => block.language === 'bash' && databaseCommands(block.body).length > 0);
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
    // The SQL blocks and the commands between them, in reading order.
    const inOrder = [...steps.map((step) => ({ line: step.sql.line, step })), ...commandBlocks.map((block) => ({ line: block.line, block }))].sort(
      (a, b) => a.line - b.line,
    );
    for (const entry of inOrder) {
      if ('block' in entry) {
        for (const command of databaseCommands(entry.block.body)) {
          if (command === 'reset') await dropLearnerIndexes(database.appUrl, lab.scenario.database.tables);
          else await client.query(fs.readFileSync(SCENARIO_FILES.solutionSql, 'utf8'));
        }
        continue;
      }
      const { step } = entry;
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
