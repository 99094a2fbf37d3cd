/**
 * Seeding with a progress bar, shared by `npm start` (first start) and `npm run seed`. What a
 * seed writes, and how big it is, the scenario's definition says (its `dataset`).
 */
import cliProgress from 'cli-progress';
import type { DatasetSize, ScenarioDefinition, SeedOutcome } from './scenario/definition.js';

/** The size a first start seeds: every option at its default. */
export function defaultSize(scenario: ScenarioDefinition): DatasetSize {
  return Object.fromEntries(Object.entries(scenario.dataset.options).map(([name, option]) => [name, option.default]));
}

/** "5,000 users, 100,000 posts": the size as the banner and the seed command say it. */
export function describeSize(scenario: ScenarioDefinition, size: DatasetSize): string {
  return Object.keys(scenario.dataset.options)
    .reverse()
    .map((name) => `${(size[name] ?? 0).toLocaleString('en-US')} ${name}`)
    .join(', ');
}

/** Seeds the given size (the defaults where it names none), with a progress bar on a terminal and a line per 25% otherwise. */
export async function seedWithProgress(scenario: ScenarioDefinition, databaseUrl: string, size: DatasetSize = {}, force = false): Promise<SeedOutcome> {
  const full = { ...defaultSize(scenario), ...size };
  const unit = scenario.dataset.unit;
  const interactive = Boolean(process.stdout.isTTY);
  const bar = new cliProgress.SingleBar(
    { format: `  seeding ${unit} [{bar}] {percentage}% | {value}/{total}`, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let lastQuarter = -1;
  const total = full[unit] ?? 0;
  if (interactive) bar.start(total, 0);
  try {
    return await scenario.dataset.seed(databaseUrl, {
      size: full,
      force,
      onProgress(done) {
        if (interactive) {
          bar.update(done);
          return;
        }
        const quarter = Math.floor((done / total) * 4);
        if (quarter > lastQuarter) {
          lastQuarter = quarter;
          console.log(`  seeding ${unit}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`);
        }
      },
    });
  } finally {
    if (interactive) bar.stop();
  }
}

/** The size of the complete seed present, or undefined when the database needs seeding. */
export function existingSeed(scenario: ScenarioDefinition, databaseUrl: string): Promise<DatasetSize | undefined> {
  return scenario.dataset.seededSize(databaseUrl);
}

/**
 * The size a traffic mix draws its parameters from (ids within range): the seed present, else
 * (no database, not seeded, not reachable) the defaults.
 */
export async function sizeForDraws(scenario: ScenarioDefinition, databaseUrl: string | undefined): Promise<DatasetSize> {
  try {
    return { ...defaultSize(scenario), ...(databaseUrl ? await existingSeed(scenario, databaseUrl) : {}) };
  } catch {
    return defaultSize(scenario);
  }
}
