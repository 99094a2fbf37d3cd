import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'lab/**/*.test.ts'],
    // One real PostgreSQL for the whole run, started once (see test/setup/postgres.ts).
    globalSetup: ['test/setup/postgres.ts'],
    // Test files run one after another: several of them put 200 concurrent users on a
    // 2-core machine, and two such bursts at once would measure each other.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
