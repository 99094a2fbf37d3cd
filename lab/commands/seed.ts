/**
 * `npm run seed [-- --posts N …] [-- --force]`: (re)seeds the running lab's database. The
 * options are the scenario's own sizes (its definition's `dataset.options`).
 */
import { parseArgs } from 'node:util';
import { runCommand, usageError } from '../errors.js';
import { resolveLabDatabase } from '../lab-connection.js';
import { scenario } from '../scenario/current.js';
import { defaultSize, describeSize, existingSeed, seedWithProgress } from '../seeding.js';
import { exitWithHelpIfAsked, usageOf } from '../command-help.js';

exitWithHelpIfAsked('seed');
runCommand(async () => {
  const { values } = parseCliArgs();
  const { appUrl } = resolveLabDatabase();
  const present = await existingSeed(appUrl);
  // Without a size, the one seeded now: the size the first start chose for this machine, which
  // the lesson's effects depend on, not the definition's default.
  const size = { ...defaultSize(), ...present };
  for (const [name, option] of Object.entries(scenario.dataset.options)) {
    const raw = (values as Record<string, string | boolean | undefined>)[name];
    if (typeof raw === 'string') size[name] = readCount(raw, `--${name}`, option.min, option.max);
  }
  if (!values.force && present && Object.keys(size).every((name) => present[name] === size[name])) {
    console.log(`Already seeded with ${describeSize(size)}. Use --force to seed again.`);
    return 0;
  }
  console.log(`Seeding ${describeSize(size)} (this replaces them all)…`);
  const result = await seedWithProgress(appUrl, size, true);
  console.log(`Done in ${result.seconds.toFixed(1)} s (${Math.round(result.rows / result.seconds).toLocaleString('en-US')} rows/s). Indexes you created are kept.`);
  return 0;
});

function parseCliArgs() {
  const sizes = Object.fromEntries(Object.keys(scenario.dataset.options).map((name) => [name, { type: 'string' as const }]));
  try {
    return parseArgs({ options: { ...sizes, force: { type: 'boolean', default: false } }, strict: true });
  } catch (error) {
    throw usageError((error as Error).message, usageOf('seed'));
  }
}

function readCount(raw: string, flag: string, min: number, max: number): number {
  const value = Number(raw.replaceAll('_', ''));
  if (!/^[\d_]+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw usageError(`${flag} ${raw} is not a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.`, usageOf('seed'));
  }
  return value;
}
