/**
 * `npm run seed [-- --posts N …] [-- --force]`: (re)seeds the running lab's database. The
 * options are the scenario's own sizes (its definition's `dataset.options`).
 */
import { parseArgs } from 'node:util';
import { usageError } from '../errors.js';
import type { Lab } from '../lab.js';
import { resolveLabDatabase } from '../lab-connection.js';
import type { ScenarioDefinition } from '../scenario/definition.js';
import { defaultSize, describeSize, existingSeed, seedWithProgress } from '../seeding.js';
import { exitWithHelpIfAsked, usageOf } from '../command-help.js';

export async function run(lab: Lab, args: string[]): Promise<number> {
  const { scenario } = lab;
  exitWithHelpIfAsked(scenario, lab.paths.scenario, 'seed', args);
  const usage = usageOf(scenario, lab.paths.scenario, 'seed');
  const { values } = parseCliArgs(scenario, args, usage);
  const { appUrl } = resolveLabDatabase(lab);
  const present = await existingSeed(scenario, appUrl);
  // Without a size, the one seeded now: the size the first start chose for this machine, which
  // the lesson's effects depend on, not the definition's default.
  const size = { ...defaultSize(scenario), ...present };
  for (const [name, option] of Object.entries(scenario.dataset.options)) {
    const raw = (values as Record<string, string | boolean | undefined>)[name];
    if (typeof raw === 'string') size[name] = readCount(raw, `--${name}`, option.min, option.max, usage);
  }
  if (!values.force && present && Object.keys(size).every((name) => present[name] === size[name])) {
    console.log(`Already seeded with ${describeSize(scenario, size)}. Use --force to seed again.`);
    return 0;
  }
  console.log(`Seeding ${describeSize(scenario, size)} (this replaces them all)…`);
  const result = await seedWithProgress(scenario, appUrl, size, true);
  console.log(`Done in ${result.seconds.toFixed(1)} s (${Math.round(result.rows / result.seconds).toLocaleString('en-US')} rows/s). Indexes you created are kept.`);
  return 0;
}

function parseCliArgs(scenario: ScenarioDefinition, args: string[], usage: string) {
  const sizes = Object.fromEntries(Object.keys(scenario.dataset.options).map((name) => [name, { type: 'string' as const }]));
  try {
    return parseArgs({ args, options: { ...sizes, force: { type: 'boolean', default: false } }, strict: true });
  } catch (error) {
    throw usageError((error as Error).message, usage);
  }
}

function readCount(raw: string, flag: string, min: number, max: number, usage: string): number {
  const value = Number(raw.replaceAll('_', ''));
  if (!/^[\d_]+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw usageError(`${flag} ${raw} is not a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.`, usage);
  }
  return value;
}
