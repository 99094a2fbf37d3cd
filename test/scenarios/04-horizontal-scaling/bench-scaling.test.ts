/**
 * Scenario 4's own benchmark section (`npm run bench -- --scenario 4`), in its quick form: on a
 * scratch PostgreSQL seeded as the lab is, the solved instances answer behind the built-in
 * balancer at 1, 2, 3 and 4 instances, straight to one instance and through the balancer (and
 * nginx, where it is installed). How fast is the benchmark's business; here, that each figure
 * is measured at all and the table has its rows.
 */
import { describe, expect, it } from 'vitest';
import { measureScenarioSection } from '../../../bench/sections/scenario-section.js';
import { startScratchDatabase } from '../../../harness/scratch-database.js';
import { nginxProgram } from '../../../scenarios/04-horizontal-scaling/machinery/bench-nginx.js';
import section, { medianRun, roundOrder, type Measured, type ScalingFigures } from '../../../scenarios/04-horizontal-scaling/machinery/bench-scaling.js';
import { lab, scenario, SCENARIO_DIR } from '../../helpers/project-lab.js';

function expectMeasured(m: Measured, throughABalancer: boolean): void {
  expect(m.requestsPerSecond).toBeGreaterThan(0);
  expect(m.p99Ms).toBeGreaterThan(0);
  expect(m.appMicrosPerRequest).toBeGreaterThan(0);
  expect(m.appCoresBusy).toBeGreaterThan(0);
  if (throughABalancer) expect(m.balancerMicrosPerRequest).toBeGreaterThan(0);
  else expect(m.balancerMicrosPerRequest).toBeNull();
}

describe("Scenario 4's benchmark section", () => {
  it('takes the run of median requests/s, and alternates the order of its rounds', () => {
    const runs = [300, 100, 200].map((requestsPerSecond) => ({ requestsPerSecond, p99Ms: requestsPerSecond }));
    expect(medianRun(runs).p99Ms).toBe(200);
    expect(medianRun(runs.slice(0, 2)).p99Ms).toBe(100);
    expect([0, 1, 2].map((round) => roundOrder([1, 2, 3], round))).toEqual([[1, 2, 3], [3, 2, 1], [1, 2, 3]]);
  });

  it('measures the solved app at 1…4 instances behind the balancer, and the balancer against a direct connection', async () => {
    const database = await startScratchDatabase(scenario, lab.paths.schema, 'bench-scaling-test');
    try {
      const steps: string[] = [];
      const result = await measureScenarioSection(section, { appUrl: database.appUrl, adminUrl: database.adminUrl, scenarioDir: SCENARIO_DIR, quick: true, step: (text) => steps.push(text) });
      const figures = result.figures as unknown as ScalingFigures;
      expect(figures.cores).toBeGreaterThan(0);
      expect(figures.users).toBe(scenario.loadTest.users);
      expect(figures.rows.map((row) => row.instances)).toEqual([1, 2, 3, 4]);
      for (const row of figures.rows) {
        expectMeasured(row, true);
        expect(row.ratio).toBeGreaterThan(0);
        expect(row.runs).toEqual([row.requestsPerSecond]);
      }
      expect(figures.rounds).toBe(1);
      expect(figures.rows[0]!.ratio).toBe(1);
      expectMeasured(figures.overhead.direct, false);
      expectMeasured(figures.overhead.builtIn, true);
      for (const count of [1, 2, 3, 4]) expect(result.markdown).toMatch(new RegExp(`^\\| ${count} \\| [\\d,]+ \\| \\d+\\.\\d\\d× \\| [\\d,]+ ms \\|`, 'm'));
      expect(result.markdown).toMatch(/^\| straight to the instance \| [\d,]+ \| [\d,]+ ms \| [\d,]+ µs \| – \| – \| [\d,]+ \|$/m);
      expect(result.markdown).toMatch(/^\| built-in balancer \| [\d,]+ \| [\d,]+ ms \| [\d,]+ µs \| [\d,]+ µs \| \d+% \| [\d,]+ \|$/m);
      if (nginxProgram()) {
        expectMeasured(figures.overhead.nginx!, true);
        expect(result.markdown).toMatch(/^\| nginx\/[\d.]+ \(as --balancer nginx runs it: 1 worker, keepalive 16, its access log on\) \| [\d,]+ \|/m);
      } else {
        expect(figures.overhead.nginx).toBeNull();
        expect(result.markdown).toContain('nginx is not installed here');
      }
      expect(steps).toHaveLength(6);
    } finally {
      await database.stop();
    }
  }, 180_000);
});
