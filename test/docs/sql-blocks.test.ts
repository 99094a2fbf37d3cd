/**
 * Every ```sql block in README.md and SCENARIO.md runs, in the order a learner meets it, on a
 * copy of the seeded lab database as the app's role (what `npm run db` connects as). Each plan
 * excerpt the text shows after an EXPLAIN block (a ```text block) is what PostgreSQL printed.
 */
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIO_FILES } from '../../lab/reset/scenario-files.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { fencedBlocks, LEARNER_DOCS, unmatchedPlanLines, type FencedBlock } from '../helpers/markdown.js';

interface Step {
  sql: FencedBlock;
  /** The ```text block that follows an EXPLAIN block: the plan the text tells the learner to expect. */
  shownPlan?: FencedBlock;
}

function stepsOf(file: string): Step[] {
  const blocks = fencedBlocks(file);
  const steps: Step[] = [];
  blocks.forEach((block, index) => {
    if (block.language !== 'sql') return;
    const next = blocks[index + 1];
    const isExplain = /^\s*EXPLAIN\b/i.test(block.body);
    steps.push({ sql: block, ...(isExplain && next?.language === 'text' ? { shownPlan: next } : {}) });
  });
  return steps;
}

/** Runs one block as a learner would; returns the plan text for EXPLAIN, otherwise ''. */
async function run(client: pg.Client, sql: string): Promise<string> {
  const result = (await client.query(sql)) as pg.QueryResult | pg.QueryResult[];
  const last = Array.isArray(result) ? result[result.length - 1]! : result;
  return last.rows.map((row: Record<string, unknown>) => row['QUERY PLAN']).filter(Boolean).join('\n');
}

describe.each(LEARNER_DOCS)('the SQL in %s', (file) => {
  const steps = stepsOf(file);
  let database: TestDatabase;
  let client: pg.Client;
  // Filled as the blocks run, so the assertions below can name the block that failed.
  const plans = new Map<number, string>();

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
      const plan = await run(client, step.sql.body).catch((error: Error) => {
        throw new Error(`the sql block at ${where} failed: ${error.message}\n${step.sql.body}`);
      });
      plans.set(step.sql.line, plan);
      if (step.shownPlan) {
        expect(unmatchedPlanLines(step.shownPlan.body, plan), `plan shown at ${file}:${step.shownPlan.line} vs PostgreSQL's:\n${plan}`).toEqual([]);
      }
    }
  });
});

describe('SCENARIO.md, fix 2', () => {
  const steps = stepsOf('SCENARIO.md');
  const explainSteps = steps.filter((step) => step.shownPlan);

  it('shows the feed scanning every post before the index and walking the index after', () => {
    const feedPlans = explainSteps.filter((step) => /JOIN users/.test(step.sql.body));
    expect(feedPlans).toHaveLength(2);
    expect(feedPlans[0]!.shownPlan!.body).toMatch(/Seq Scan on posts/);
    expect(feedPlans[1]!.shownPlan!.body).toMatch(/Index Scan Backward using posts_created_at_idx on posts/);
    expect(feedPlans[1]!.shownPlan!.body).not.toMatch(/Seq Scan/);
  });

  it('runs the feed query that the shipped src/server.ts runs', () => {
    const normalise = (sql: string) => sql.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim();
    const server = fs.readFileSync(SCENARIO_FILES.pristineServer, 'utf8');
    const feedQuery = /app\.get\('\/feed'[\s\S]*?query\(\s*`([^`]+)`/.exec(server)?.[1];
    expect(feedQuery).toBeDefined();
    for (const step of explainSteps.filter((s) => /JOIN users/.test(s.sql.body))) {
      expect(normalise(step.sql.body.replace(/^\s*EXPLAIN ANALYZE/i, ''))).toBe(normalise(feedQuery!));
    }
  });

  it('creates the same index as solution/fix.sql', () => {
    const indexOf = (sql: string) => /CREATE INDEX (?:IF NOT EXISTS )?(posts_created_at_idx) ON posts \((created_at)\)/.exec(sql)?.slice(1);
    const fix = fs.readFileSync(SCENARIO_FILES.solutionSql, 'utf8');
    const created = steps.map((step) => indexOf(step.sql.body)).filter(Boolean);
    expect(created).toEqual([indexOf(fix)]);
  });
});
