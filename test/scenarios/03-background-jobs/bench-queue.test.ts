/**
 * Scenario 3's own benchmark section (`npm run bench -- --scenario 3`), in its quick form: on a
 * scratch PostgreSQL seeded as the lab is, the solved workers and graphile-worker each drain a
 * batch through a provider that answers at once, and each email of the idle-time sign-ups
 * arrives. How fast is the benchmark's business; here, that both are measured at all.
 */
import { describe, expect, it } from 'vitest';
import { measureScenarioSection } from '../../../bench/sections/scenario-section.js';
import { startScratchDatabase } from '../../../harness/scratch-database.js';
import section from '../../../scenarios/03-background-jobs/machinery/bench-queue.js';
import { lab, scenario, SCENARIO_DIR } from '../../helpers/project-lab.js';

interface Figures {
  jobs: number;
  jobsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number; samples: number };
}

describe("Scenario 3's benchmark section", () => {
  it('measures the solved queue and graphile-worker on the same database', async () => {
    const database = await startScratchDatabase(scenario, lab.paths.schema, 'bench-queue-test');
    try {
      const steps: string[] = [];
      const result = await measureScenarioSection(section, { appUrl: database.appUrl, adminUrl: database.adminUrl, scenarioDir: SCENARIO_DIR, quick: true, step: (text) => steps.push(text) });
      const { ours, graphile } = result.figures as { ours: Figures; graphile: Figures & { version: string } };
      for (const figures of [ours, graphile]) {
        expect(figures.jobs).toBe(300);
        expect(figures.jobsPerSecond).toBeGreaterThan(0);
        expect(figures.latencyMs.samples).toBe(3);
        expect(figures.latencyMs.p50).toBeGreaterThan(0);
      }
      expect(graphile.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(result.markdown).toMatch(/\| solution\/worker\.ts \+ fix\.sql \(polls once a second\) \| 3 × 6 \| 300 \|/);
      expect(result.markdown).toMatch(/\| graphile-worker \d+\.\d+\.\d+ \(LISTEN\/NOTIFY\) \| 3 × 6 \| 300 \|/);
      expect(steps).toHaveLength(2);
    } finally {
      await database.stop();
    }
  }, 240_000);
});
