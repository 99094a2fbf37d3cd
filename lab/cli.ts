/**
 * The one entry of every learner command: `node --import tsx lab/cli.ts <command> [options]`,
 * which the root package.json and each scenario's package.json call. It settles which scenario
 * the command works on (`--scenario N` here, else lab/scenario/location.ts decides), opens its
 * lab once (lab/lab.ts) and runs the command's module with it and the remaining options.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LabError, reportFatal } from './errors.js';
import { openLab, type Lab } from './lab.js';
import { folderOf, resolveScenarioFolder } from './scenario/location.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Each command and the module that runs it. */
const COMMANDS: Record<string, () => string> = {
  start: () => path.join(here, 'commands', 'start.ts'),
  seed: () => path.join(here, 'commands', 'seed.ts'),
  loadtest: () => path.join(here, 'commands', 'loadtest.ts'),
  runs: () => path.join(here, 'commands', 'runs.ts'),
  check: () => path.join(here, 'commands', 'check.ts'),
  hint: () => path.join(here, 'commands', 'hint.ts'),
  reset: () => path.join(here, 'commands', 'reset.ts'),
  solve: () => path.join(here, 'commands', 'solve.ts'),
  db: () => path.join(here, 'commands', 'db.ts'),
  chaos: () => path.join(here, 'commands', 'chaos.ts'),
  scale: () => path.join(here, 'commands', 'scale.ts'),
  deploy: () => path.join(here, 'commands', 'deploy.ts'),
  'generate:grafana': () => path.join(here, 'commands', 'generate-grafana.ts'),
};

/** Takes `--scenario N` (or `--scenario=N`) out of the arguments; returns N and the rest. */
export function takeScenarioOption(args: string[]): { scenario?: string; rest: string[] } {
  const rest: string[] = [];
  let scenario: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--scenario') {
      scenario = args[i + 1];
      if (scenario === undefined || scenario.startsWith('-')) throw new LabError('USAGE', '--scenario needs a scenario number, e.g. --scenario 2.');
      i += 1;
    } else if (arg.startsWith('--scenario=')) {
      scenario = arg.slice('--scenario='.length);
    } else {
      rest.push(arg);
    }
  }
  return { ...(scenario !== undefined ? { scenario } : {}), rest };
}

/** What each command's module exports: it runs with the lab and its own options, and returns its exit code. */
interface CommandModule {
  run(lab: Lab, args: string[]): Promise<number | void> | number | void;
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const entry = command === undefined ? undefined : COMMANDS[command];
  if (!entry) throw new LabError('USAGE', `unknown command "${command ?? ''}"; the commands are ${Object.keys(COMMANDS).join(', ')}.`);
  const { scenario, rest } = takeScenarioOption(args);
  const folder = scenario !== undefined ? folderOf(scenario) : resolveScenarioFolder();
  const lab = await openLab({ folder });
  const module = (await import(pathToFileURL(entry()).href)) as CommandModule;
  process.exitCode = (await module.run(lab, rest)) ?? 0;
}

main().catch((error: unknown) => process.exit(reportFatal(error)));
