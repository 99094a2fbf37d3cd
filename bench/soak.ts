// `npm run bench:soak`: the fixed app (solution + index) under 200 users for several minutes.
// Passes when no request fails and memory stays flat after warm-up: a leak or a slowly
// failing pool shows up here long before it would in a 30-second load test.
//
//   npm run bench:soak                  5 minutes
//   npm run bench:soak -- --minutes 2   shorter (1 to 30)
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startApp } from '../lab/app-runner.js';
import { ROOT_DIR } from '../lab/config.js';
import { LabError, reportFatal } from '../lab/errors.js';
import { openLab } from '../lab/lab.js';
import { defaultSize } from '../lab/seeding.js';
import { processFacts } from '../lab/os/system.js';
import { startScratchDatabase } from '../harness/scratch-database.js';
import { applyStateSql, serverOf, solvedState } from './sections/bench-states.js';
import { loadFor, scenarioTraffic } from './sections/load.js';

const USERS = 200;
const SLICE_SECONDS = 30;
const WARMUP_SECONDS = 20;
/** Growth of resident memory from the end of warm-up to the end, above which we call it a leak. */
const FLAT_MEMORY_LIMIT_PERCENT = 20;

interface Slice {
  atSeconds: number;
  requestsPerSecond: number;
  failed: number;
  p99Ms: number;
  rssMiB: number;
}

function residentMiB(pid: number): number {
  const bytes = processFacts().residentBytes(pid);
  if (bytes === undefined) throw new LabError('MEASUREMENT_UNAVAILABLE', `This system did not show the memory of the app (pid ${pid}), so the soak cannot tell whether it stays flat.`);
  return bytes / 1024 / 1024;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '5' } }, strict: true });
  const minutes = Number(values.minutes);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 30) throw new LabError('USAGE', `--minutes ${values.minutes} is not a whole number from 1 to 30.`);

  const lab = await openLab();
  const { scenario } = lab;
  const database = await startScratchDatabase(scenario, lab.paths.schema, 'soak-pg');
  try {
    await applyStateSql(lab, database.appUrl, solvedState(lab));
    const app = await startApp(serverOf(lab, solvedState(lab)), database.appUrl);
    const traffic = scenarioTraffic(scenario);
    const size = defaultSize(scenario);
    try {
      console.log(`Warm-up: ${USERS} users for ${WARMUP_SECONDS} s (not counted)…`);
      await loadFor(app.port, traffic, USERS, WARMUP_SECONDS, size);
      const startRss = residentMiB(app.pid);
      const slices: Slice[] = [];
      const slicesWanted = Math.round((minutes * 60) / SLICE_SECONDS);
      for (let i = 1; i <= slicesWanted; i += 1) {
        const summary = await loadFor(app.port, traffic, USERS, SLICE_SECONDS, size);
        const slice = {
          atSeconds: i * SLICE_SECONDS,
          requestsPerSecond: summary.requestsPerSecond,
          failed: summary.totalRequests - summary.succeeded,
          p99Ms: summary.latencyMs.p99,
          rssMiB: residentMiB(app.pid),
        };
        slices.push(slice);
        console.log(`  ${String(slice.atSeconds).padStart(4)} s  ${slice.requestsPerSecond.toFixed(0).padStart(6)} req/s  failed ${slice.failed}  p99 ${slice.p99Ms.toFixed(0)} ms  RSS ${slice.rssMiB.toFixed(1)} MiB`);
      }
      const endRss = slices.at(-1)!.rssMiB;
      const growthPercent = ((endRss - startRss) / startRss) * 100;
      const failed = slices.reduce((sum, slice) => sum + slice.failed, 0);
      const result = { minutes, users: USERS, startRssMiB: startRss, endRssMiB: endRss, maxRssMiB: Math.max(...slices.map((s) => s.rssMiB)), growthPercent, failed, slices };
      const out = path.join(ROOT_DIR, 'bench', 'results', 'soak.json');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
      const passed = failed === 0 && growthPercent <= FLAT_MEMORY_LIMIT_PERCENT;
      console.log(
        `\n${passed ? '✔' : '✘'} ${minutes} min at ${USERS} users: ${failed} failed requests; RSS ${startRss.toFixed(1)} → ${endRss.toFixed(1)} MiB after warm-up (${growthPercent >= 0 ? '+' : ''}${growthPercent.toFixed(1)}%, limit +${FLAT_MEMORY_LIMIT_PERCENT}%). Written: bench/results/soak.json`,
      );
      return passed ? 0 : 1;
    } finally {
      await app.stop();
    }
  } finally {
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportFatal(error)),
);
