/**
 * Scenario 1's fix 2 in SCENARIO.md: the feed's plans before and after the index are the ones
 * the shipped server's query gets, and the index it creates is solution/fix.sql's.
 * (test/docs/sql-blocks.test.ts runs every block and compares every plan shown.)
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sqlSteps } from '../../helpers/markdown.js';
import { SCENARIO_FILES, SHIPPED_APP } from '../../helpers/project-lab.js';

describe('SCENARIO.md, fix 2', () => {
  const steps = sqlSteps('SCENARIO.md');
  const explainSteps = steps.filter((step) => step.shownPlans.length > 0);

  it('shows the feed scanning every post before the index and walking the index after', () => {
    const feedPlans = explainSteps.filter((step) => /JOIN users/.test(step.sql.body));
    expect(feedPlans).toHaveLength(2);
    expect(feedPlans[0]!.shownPlans[0]!.body).toMatch(/Seq Scan on posts/);
    expect(feedPlans[1]!.shownPlans[0]!.body).toMatch(/Index Scan Backward using posts_created_at_idx on posts/);
    expect(feedPlans[1]!.shownPlans[0]!.body).not.toMatch(/Seq Scan/);
  });

  it('runs the feed query that the shipped src/server.ts runs', () => {
    const normalise = (sql: string) => sql.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim();
    const server = fs.readFileSync(SHIPPED_APP, 'utf8');
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
