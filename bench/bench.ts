// `npm run bench -- [--scenario N]`: measures a scenario against its own limits, all in one run
// so the ratios hold on a noisy machine, and writes bench/results/<nn>-<name>/latest.json and
// latest.md. The states, the traffic and the hottest query come from the scenario's definition.
//
//   npm run bench                       the full run of the current scenario (bounded)
//   npm run bench -- --scenario 2       another scenario
//   npm run bench -- --quick            a short smoke run of every section (for tests)
//   npm run bench -- --slow             the lesson at three machine speeds (about 10 minutes;
//                                       bench/results/speeds.json and speeds.md)
//   npm run bench -- --out DIR          write the results somewhere else
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../lab/config.js';
import { learnerPath, type Lab } from '../lab/lab.js';
import { defaultSize, describeSize } from '../lab/seeding.js';
import { startScratchDatabase } from '../harness/scratch-database.js';
import { describeMachine } from './machine.js';
import { planFor } from './plan.js';
import { evaluateGoals, renderMarkdown, renderReadmeSummary, withReadmeSummary, type BenchResult } from './report.js';
import { applyStateSql, solvedState } from './sections/bench-states.js';
import { measureGeneratorCeiling, measureMetricsOverhead } from './sections/ceilings.js';
import { hasPgbench, measurePgbench } from './sections/pgbench.js';
import { measureMetricsCostMicros } from './sections/metrics-cost.js';
import { measureScaling } from './sections/scaling.js';
import { measureScenarioSection } from './sections/scenario-section.js';
import { measureStartup } from './sections/startup.js';
import { measureStates } from './sections/states.js';
import { renderSpeedsMarkdown } from './speeds/report.js';
import { runSpeeds } from './speeds/run.js';

/** Each state of each speed runs as long as the learner's load test. */
const SPEED_SECONDS = 30;
const QUICK_SPEED_SECONDS = 3;

export interface BenchOptions {
  quick: boolean;
  slow: boolean;
  out?: string;
}

/** Where a scenario's results go: bench/results/<nn>-<name>/. */
export function resultsDir(scenarioFolder: string): string {
  return path.join(ROOT_DIR, 'bench', 'results', path.basename(scenarioFolder));
}

export async function runBench(lab: Lab, options: BenchOptions): Promise<number> {
  const { scenario, paths } = lab;
  const plan = planFor(scenario, options.quick);
  const outDir = path.resolve(options.out ?? resultsDir(paths.scenario));
  const started = performance.now();
  const notes: string[] = [];
  const step = (text: string) => console.log(`▸ ${text}`);

  if (options.slow) {
    const report = await runSpeeds(paths.scenario, path.resolve(options.out ?? path.join(ROOT_DIR, 'bench', 'results')), options.quick ? QUICK_SPEED_SECONDS : SPEED_SECONDS, step);
    console.log(`\n${renderSpeedsMarkdown(report)}`);
    return 0;
  }

  step('start-up: cold and warm npm start');
  const startup = await measureStartup(lab);
  step('a private PostgreSQL with the default dataset');
  const database = await startScratchDatabase(scenario, paths.schema, 'bench-pg');
  // The states run at the size a learner's first start chooses on this machine, where the
  // shipped app is meant to be slow; a quick run keeps its small one.
  const size = !options.quick && startup.calibratedSize ? startup.calibratedSize : undefined;
  try {
    if (size) {
      step(`seeding the size this machine's first start chose: ${describeSize(scenario, size)}`);
      await scenario.dataset.seed(database.appUrl, { size, force: true });
    }
    step(`the states: ${plan.users} users × ${plan.stateSeconds} s each`);
    const states = await measureStates(lab, database.appUrl, { users: plan.users, seconds: plan.stateSeconds, warmupSeconds: plan.warmupSeconds }, database.pid);

    const solved = solvedState(lab);
    await applyStateSql(lab, database.appUrl, solved);
    const hotQuery = scenario.bench?.hotQuery;
    let pgbench = null;
    if (hotQuery === undefined) {
      notes.push("The scenario's definition names no bench.hotQuery, so the database ceiling and the growth section were not measured.");
    } else if (await hasPgbench()) {
      step(`pgbench: the hottest query, solved, with 10 clients for ${plan.ceilingSeconds} s`);
      pgbench = await measurePgbench(database.appUrl, hotQuery, 10, plan.ceilingSeconds, database.pid);
    } else {
      notes.push('pgbench is not installed (Debian: apt-get install postgresql-client), so the database ceiling was not measured.');
    }
    step(`load generator ceiling: ${plan.users} users on a no-work server for ${plan.ceilingSeconds} s`);
    const generatorCeiling = await measureGeneratorCeiling(plan.users, plan.ceilingSeconds);
    step(`request metrics on vs off: ${plan.overheadRounds} alternating rounds`);
    const metricsOverhead = await measureMetricsOverhead(
      lab,
      database.appUrl,
      { users: plan.users, seconds: plan.ceilingSeconds, warmupSeconds: plan.warmupSeconds },
      plan.overheadRounds,
    );
    await applyStateSql(lab, database.appUrl, {});
    step('request metrics in-process: a do-nothing route with and without them');
    const metricsCost = await measureMetricsCostMicros(lab);

    let scaling: BenchResult['scaling'] = [];
    if (hotQuery !== undefined) {
      step(`the hottest query at ${plan.scalingSizes.map((n) => n.toLocaleString('en-US')).join(', ')} ${scenario.dataset.unit}`);
      scaling = await measureScaling(lab, database.appUrl, hotQuery, solved, plan.scalingSizes);
    }

    let own: BenchResult['own'] = null;
    if (scenario.bench?.section) {
      const section = (await scenario.bench.section()).default;
      // On the default dataset, as the learner's lab has it: the states' calibrated size is the HTTP lesson's.
      if (size) await scenario.dataset.seed(database.appUrl, { size: defaultSize(scenario), force: true });
      step(section.title);
      own = await measureScenarioSection(section, { appUrl: database.appUrl, adminUrl: database.adminUrl, scenarioDir: paths.scenario, quick: options.quick, step });
    }

    const result: BenchResult = {
      scenario: path.basename(paths.scenario),
      startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
      totalSeconds: (performance.now() - started) / 1000,
      quick: options.quick,
      machine: describeMachine(),
      p99GoalMs: scenario.loadTest.p99GoalMs,
      unit: scenario.dataset.unit,
      dataset: size ?? defaultSize(scenario),
      startup,
      states,
      pgbench,
      generatorCeilingRequestsPerSecond: generatorCeiling,
      loadUsers: plan.users,
      metricsOverhead,
      metricsCost,
      scaling,
      own,
      notes,
    };
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    const markdown = renderMarkdown(result);
    fs.writeFileSync(path.join(outDir, 'latest.md'), markdown);
    console.log(`\n${markdown}`);
    console.log(`Written: ${learnerPath(path.join(outDir, 'latest.json'), paths.runFrom)} and latest.md`);
    if (!options.quick && options.out === undefined) {
      const readmeFile = path.join(ROOT_DIR, 'README.md');
      const readme = fs.readFileSync(readmeFile, 'utf8');
      const updated = withReadmeSummary(readme, renderReadmeSummary(result));
      if (updated !== readme) {
        fs.writeFileSync(readmeFile, updated);
        console.log("Updated README.md's performance figures.");
      }
    }
    const missed = evaluateGoals(result).filter((goal) => goal.met === false);
    if (missed.length > 0) console.log(`Goals missed: ${missed.map((goal) => goal.name).join('; ')} (see the report's notes).`);
    return 0;
  } finally {
    await database.stop();
  }
}
