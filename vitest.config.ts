import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { scenarioFolders } from './lab/scenario/location.js';

// Each scenario's tests are a project of their own: its LAB_SCENARIO (which lab
// test/helpers/project-lab.ts opens), and a PostgreSQL seeded with its data
// (test/setup/postgres.ts). Every scenario runs test/docs/ (what its README and SCENARIO.md
// must hold) and its own folder under test/scenarios/; the engine's tests run with the first.
const SCENARIOS = scenarioFolders().map((folder) => path.basename(folder));
const DOCS_TESTS = 'test/docs/**/*.test.ts';

export default defineConfig({
  test: {
    // Test files run one after another, across the projects too (they share one pool of one
    // worker): several of them put 200 concurrent users on a 2-core machine, and two such
    // bursts at once would measure each other.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: SCENARIOS.map((name, index) => {
      const others = SCENARIOS.filter((other) => other !== name).map((other) => `test/scenarios/${other}/**`);
      return {
        extends: true,
        test: {
          name,
          include: [`test/scenarios/${name}/**/*.test.ts`, DOCS_TESTS, ...(index === 0 ? ['test/**/*.test.ts', 'lab/**/*.test.ts'] : [])],
          exclude: [...configDefaults.exclude, ...others],
          env: { LAB_SCENARIO: name.slice(0, 2) },
          // One real PostgreSQL per scenario for the whole run, seeded once with its data.
          globalSetup: ['test/setup/postgres.ts'],
        },
      };
    }),
  },
});
