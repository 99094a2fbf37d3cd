// `npm run bench`: measures the lab against its own limits, all in one run so the ratios
// hold on a noisy machine, and writes bench/results/latest.json and latest.md.
//
//   npm run bench                 the full run (about 5 minutes on 2 cores, bounded)
//   npm run bench -- --quick      a short smoke run of every section (for tests)
//   npm run bench -- --slow       the lesson at three machine speeds (about 10 minutes;
//                                 bench/results/speeds.json and speeds.md)
//   npm run bench -- --out DIR    write the results somewhere else
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT_DIR } from '../lab/config.js';
import { defaultSize } from '../lab/seeding.js';
import { learnerPath } from '../lab/scenario/current.js';
import { LabError, reportFatal } from '../lab/errors.js';
import { startScratchDatabase } from '../harness/scratch-database.js';
import { describeMachine } from './machine.js';
import { evaluateGoals, renderMarkdown, renderReadmeSummary, withReadmeSummary, type BenchResult } from './report.js';
import { measureGeneratorCeiling, measureMetricsOverhead } from './sections/ceilings.js';
import { hasPgbench, measurePgbench } from './sections/pgbench.js';
import { measureMetricsCostMicros } from './sections/metrics-cost.js';
import { measureScaling } from './sections/scaling.js';
import { measureStartup } from './sections/startup.js';
import { measureStates, setIndex } from './sections/states.js';
import { renderSpeedsMarkdown } from './speeds/report.js';
import { runSpeeds } from './speeds/run.js';

interface Plan {
  users: number;
  stateSeconds: number;
  ceilingSeconds: number;
  warmupSeconds: number;
  overheadRounds: number;
  scalingSizes: number[];
}

const FULL: Plan = { users: 200, stateSeconds: 20, ceilingSeconds: 10, warmupSeconds: 3, overheadRounds: 3, scalingSizes: [100_000, 300_000, 1_000_000] };
/** Each state of each speed runs as long as the learner's load test. */
const SPEED_SECONDS = 30;
const QUICK_SPEED_SECONDS = 3;
const QUICK: Plan = { users: 50, stateSeconds: 2, ceilingSeconds: 2, warmupSeconds: 1, overheadRounds: 1, scalingSizes: [2_000, 5_000] };

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, slow: { type: 'boolean', default: false }, out: { type: 'string' } },
    strict: true,
  });
  const plan = values.quick ? QUICK : FULL;
  const outDir = path.resolve(values.out ?? path.join(ROOT_DIR, 'bench', 'results'));
  const started = performance.now();
  const notes: string[] = [];
  const step = (text: string) => console.log(`▸ ${text}`);

  if (values.slow) {
    const report = await runSpeeds(outDir, values.quick ? QUICK_SPEED_SECONDS : SPEED_SECONDS, step);
    console.log(`\n${renderSpeedsMarkdown(report)}`);
    console.log(`Written: ${learnerPath(path.join(outDir, 'speeds.json'))} and speeds.md`);
    return 0;
  }

  step('start-up: cold and warm npm start');
  const startup = await measureStartup();
  step('a private PostgreSQL with the default dataset');
  const database = await startScratchDatabase('bench-pg');
  try {
    step(`the three states: ${plan.users} users × ${plan.stateSeconds} s each`);
    const states = await measureStates(database.appUrl, { users: plan.users, seconds: plan.stateSeconds, warmupSeconds: plan.warmupSeconds }, database.pid);

    await setIndex(database.appUrl, true);
    let pgbench = null;
    if (await hasPgbench()) {
      step(`pgbench: the indexed feed query with 10 clients for ${plan.ceilingSeconds} s`);
      pgbench = await measurePgbench(database.appUrl, 10, plan.ceilingSeconds, database.pid);
    } else {
      notes.push('pgbench is not installed (Debian: apt-get install postgresql-client), so the database ceiling was not measured.');
    }
    step(`load generator ceiling: ${plan.users} users on a no-work server for ${plan.ceilingSeconds} s`);
    const generatorCeiling = await measureGeneratorCeiling(plan.users, plan.ceilingSeconds);
    step(`request metrics on vs off: ${plan.overheadRounds} alternating rounds`);
    const metricsOverhead = await measureMetricsOverhead(
      database.appUrl,
      { users: plan.users, seconds: plan.ceilingSeconds, warmupSeconds: plan.warmupSeconds },
      plan.overheadRounds,
    );
    await setIndex(database.appUrl, false);
    step('request metrics in-process: a do-nothing route with and without them');
    const metricsCost = await measureMetricsCostMicros();

    step(`the feed query at ${plan.scalingSizes.map((n) => n.toLocaleString('en-US')).join(', ')} posts`);
    const scaling = await measureScaling(database.appUrl, plan.scalingSizes);

    const result: BenchResult = {
      startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
      totalSeconds: (performance.now() - started) / 1000,
      quick: Boolean(values.quick),
      machine: describeMachine(),
      dataset: { users: defaultSize().users ?? 0, posts: defaultSize().posts ?? 0 },
      startup,
      states,
      pgbench,
      generatorCeilingRequestsPerSecond: generatorCeiling,
      loadUsers: plan.users,
      metricsOverhead,
      metricsCost,
      scaling,
      notes,
    };
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    const markdown = renderMarkdown(result);
    fs.writeFileSync(path.join(outDir, 'latest.md'), markdown);
    console.log(`\n${markdown}`);
    console.log(`Written: ${learnerPath(path.join(outDir, 'latest.json'))} and latest.md`);
    if (!values.quick && values.out === undefined) {
      const readmeFile = path.join(ROOT_DIR, 'README.md');
      fs.writeFileSync(readmeFile, withReadmeSummary(fs.readFileSync(readmeFile, 'utf8'), renderReadmeSummary(result)));
      console.log("Updated README.md's performance figures.");
    }
    const missed = evaluateGoals(result).filter((goal) => goal.met === false);
    if (missed.length > 0) console.log(`Goals missed: ${missed.map((goal) => goal.name).join('; ')} (see the report's notes).`);
    return 0;
  } finally {
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      process.exit(reportFatal(new LabError('USAGE', `${error.message}. usage: npm run bench -- [--quick] [--slow] [--out DIR]`)));
    }
    process.exit(reportFatal(error));
  },
);
