/**
 * Section 1: how long `npm start` takes to the banner, cold (empty state folder: initdb,
 * schema, seed, calibration) and warm (everything already there), and the seed rate.
 */
import { createLabSandbox } from '../../harness/sandbox.js';
import type { Lab } from '../../lab/lab.js';
import type { DatasetSize } from '../../lab/scenario/definition.js';
import { existingSeed } from '../../lab/seeding.js';

export interface StartupResult {
  coldSeconds: number;
  warmSeconds: number;
  seedRowsPerSecond: number | null;
  /** What the first start decided about the dataset size (its calibration lines). */
  calibration: string | null;
  /** The size the first start seeded on this machine (after calibrating), when it could be read. */
  calibratedSize?: DatasetSize;
}

/** Parses "Seeded 105,000 rows in 0.4 s (261,845 rows/s)." out of the lab's output. */
export function parseSeedRate(output: string): number | null {
  const match = output.match(/Seeded [\d,]+ rows in [\d.]+ s \(([\d,]+) rows\/s\)/);
  return match ? Number(match[1]!.replaceAll(',', '')) : null;
}

/** The calibration's verdict lines ("95 requests/s answered → …", "Seeding … instead"), or null when it said nothing. */
export function parseCalibration(output: string): string | null {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => /\d requests\/s answered →|^Seeding [\d,]+ \S+ instead/.test(line));
  return lines.length > 0 ? lines.join(' ') : null;
}

export async function measureStartup(lab: Lab): Promise<StartupResult> {
  const { scenario } = lab;
  const sandbox = await createLabSandbox(lab);
  try {
    const timeToReady = async () => {
      const started = performance.now();
      const lab = sandbox.start([], { LAB_CALIBRATE: 'on' });
      await lab.ready;
      const seconds = (performance.now() - started) / 1000;
      const size = await existingSeed(scenario, sandbox.state().appDatabaseUrl).catch(() => undefined);
      lab.child.kill('SIGINT');
      await lab.exited;
      return { seconds, output: lab.output(), size };
    };
    const cold = await timeToReady();
    const warm = await timeToReady();
    return {
      coldSeconds: cold.seconds,
      warmSeconds: warm.seconds,
      seedRowsPerSecond: parseSeedRate(cold.output),
      calibration: parseCalibration(cold.output),
      // Only a scenario that calibrates chooses a size for the machine; the others seed their default.
      ...(cold.size && scenario.calibration ? { calibratedSize: cold.size } : {}),
    };
  } finally {
    sandbox.remove();
  }
}
