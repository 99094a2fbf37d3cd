// One speed of `npm run bench -- --slow`: run by bench/speeds/run.ts as its own process, pinned
// to one core when the speed asks for it, so PostgreSQL, the apps and the load generator it
// starts all inherit that core. Calibrates a fresh dataset as a first `npm start` would (twice,
// to see whether the decision is stable), then runs the three states with the load test's users.
//
//   node --import tsx bench/speeds/worker.ts --scenario FOLDER --speed one-core --seconds 30 --out result.json
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { calibrateDataset, measureRequestsPerSecond, type CalibrationDecision } from '../../lab/calibration.js';
import { startScratchDatabase } from '../../harness/scratch-database.js';
import { openLab } from '../../lab/lab.js';
import { defaultSize } from '../../lab/seeding.js';
import { measureStates } from '../sections/states.js';
import { SPEED_SETTINGS, type SpeedResult } from './goals.js';

const { values } = parseArgs({
  options: { scenario: { type: 'string' }, speed: { type: 'string' }, seconds: { type: 'string' }, out: { type: 'string' } },
  strict: true,
});
const setting = SPEED_SETTINGS.find((candidate) => candidate.id === values.speed);
if (!setting || !values.out || !values.seconds || !values.scenario) throw new Error('usage: worker.ts --scenario FOLDER --speed <id> --seconds N --out FILE');
const stateSeconds = Number(values.seconds);
const out = values.out;

const lab = await openLab({ folder: values.scenario });
const { scenario } = lab;
const database = await startScratchDatabase(scenario, lab.paths.schema, 'bench-speed');
// Stopped from outside (its time limit): stop the database it started before leaving.
process.once('SIGTERM', () => void database.stop().finally(() => process.exit(1)));
try {
  const unit = scenario.dataset.unit;
  const DEFAULT_POSTS = defaultSize(scenario)[unit]!;
  const reseed = async (posts: number) => void (await scenario.dataset.seed(database.appUrl, { size: { ...defaultSize(scenario), [unit]: posts }, force: true }));
  const poolAloneAtDefault = await measureRequestsPerSecond(lab, database.appUrl);
  const calibrations: CalibrationDecision[][] = [];
  let posts = DEFAULT_POSTS;
  for (let start = 1; start <= 2; start += 1) {
    // Each calibration starts where a first `npm start` does: the default size, just seeded.
    if (posts !== DEFAULT_POSTS) await reseed(DEFAULT_POSTS);
    const calibration = await calibrateDataset(lab, database.appUrl, DEFAULT_POSTS, reseed, (line) => console.log(`  [${setting.id}] ${line}`));
    calibrations.push(calibration.decisions);
    posts = calibration.size;
  }
  console.log(`  [${setting.id}] the three states at ${posts.toLocaleString('en-US')} posts, ${scenario.loadTest.users} users × ${stateSeconds} s each`);
  const states = await measureStates(lab, database.appUrl, { users: scenario.loadTest.users, seconds: stateSeconds, warmupSeconds: 3 });
  const result: SpeedResult = {
    setting,
    poolAloneAtDefault,
    calibrations,
    posts,
    users: scenario.loadTest.users,
    seconds: stateSeconds,
    // The speeds report compares as shipped, the first fix, and solved.
    broken: states.runs[0]!.summary,
    poolOnly: states.runs[1]!.summary,
    poolAndIndex: states.runs.at(-1)!.summary,
  };
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await database.stop();
}
