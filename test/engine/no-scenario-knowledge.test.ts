/**
 * The engine (lab/) holds no scenario's database, role, tables or routes in its code: every
 * such fact comes from a scenario's definition. Comments may give examples; code may not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import type { ScenarioDefinition } from '../../lab/scenario/definition.js';
import { scenarioFolders } from '../../lab/scenario/location.js';
import { loadDefinition } from '../../lab/lab.js';

/** Words too common to be a scenario's own (virtual users, customers of any app). */
const COMMON = new Set(['users']);

/** A scenario's distinctive facts, as they would appear in code: quoted names and route paths. */
function factsOf(definition: ScenarioDefinition): string[] {
  const { database, loadTest, calibration, drills } = definition;
  const routes = [loadTest.route, ...(calibration ? [calibration.route] : []), drills.databaseProbeRoute, ...(loadTest.mix ?? []).map((route) => route.path)]
    .map((route) => route.split('?')[0]!)
    .filter((route) => route !== '/');
  return [database.name, database.role, ...database.tables.filter((table) => !COMMON.has(table)), ...routes];
}

/** The file's code with its comments left out (a URL's "//" inside a string may cut a line short: harmless here). */
function codeOf(file: string): string {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** The engine's code, and the benchmark's: both take every scenario fact from the definition. */
function engineFiles(): string[] {
  return ['lab', 'bench'].flatMap((folder) => {
    const root = path.join(ROOT_DIR, folder);
    return (fs.readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[])
      .filter((file) => /\.(ts|js)$/.test(file) && !file.endsWith('.test.ts'))
      .map((file) => path.join(root, file));
  });
}

describe('the engine', () => {
  it('names no scenario\'s database, role, table or route in its code, nor does the benchmark', async () => {
    const facts = (await Promise.all(scenarioFolders().map(loadDefinition))).flatMap(factsOf);
    expect(facts.length).toBeGreaterThan(5);
    const found: string[] = [];
    for (const file of engineFiles()) {
      const code = codeOf(file);
      for (const fact of facts) {
        if (new RegExp(`['"\`]${fact.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"\`/]`).test(code)) found.push(`${path.relative(ROOT_DIR, file)}: ${fact}`);
      }
    }
    expect(found).toEqual([]);
  });
});
