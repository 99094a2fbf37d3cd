/**
 * Scenario 1's texts name the database's connection budget in several places (the walkthrough,
 * its answer key, the README, the solution's comment): each figure must be the definition's,
 * which the lab's server runs with (test/integration/stats.test.ts) and the banner prints.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDoc } from '../../helpers/markdown.js';
import { SCENARIO_DIR, scenario } from '../../helpers/project-lab.js';

// PostgreSQL's default superuser_reserved_connections, which the lab does not change.
const RESERVED = 3;
const budget = scenario.database.maxConnections!;
const forTheApp = budget - RESERVED;

describe('the connection budget in Scenario 1\'s texts', () => {
  it('is declared, and small enough that 200 users cannot all connect', () => {
    expect(budget).toBeLessThan(scenario.loadTest.users / 2);
  });

  it.each(['SCENARIO.md', 'README.md'])('%s names no budget but the definition\'s', (file) => {
    const text = readDoc(file);
    const named = [...text.matchAll(/(\d+) connections\b/g)].map((match) => Number(match[1]));
    expect(named.length).toBeGreaterThan(0);
    // The users' 200 (one connection each), the pool's 10, two pools' 20 and PostgreSQL's default of 100 may be named too.
    for (const n of named) expect([budget, forTheApp, scenario.loadTest.users, 10, 20, 100]).toContain(n);
    expect(text).toContain(`${budget} connections`);
  });

  it('gives the app its share: the budget less the superuser slots', () => {
    const text = readDoc('SCENARIO.md');
    expect(text).toContain(`may hold\nat most ${forTheApp}`);
    expect(text).toContain(`\`max_connections\` is ${budget} here, and ${RESERVED} of those are reserved for administrators, so\nthe app gets ${forTheApp}`);
  });

  it('the solution\'s comment agrees', () => {
    const solution = fs.readFileSync(path.join(SCENARIO_DIR, 'solution', 'server.fixed.ts'), 'utf8');
    expect(solution).toContain(`(${budget} connections,\n  // ${forTheApp} of them for this app`);
  });
});
