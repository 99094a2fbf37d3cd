/**
 * `npm run hint [-- --step ID]`: the next hint for the first step the last `npm run check`
 * did not pass; asked again, a stronger one (three levels). The hints are the scenario's steps'
 * own; progress is kept in the scenario's .lab/hints.json.
 */
import { parseArgs } from 'node:util';
import { readProgress } from '../check/progress.js';
import { LabError, usageError } from '../errors.js';
import { exitWithTextIfHelpAsked, hintHelp, hintUsage } from '../command-help.js';
import { readHintProgress, writeHintProgress } from '../hints/hint-progress.js';
import { currentStep, nextHint } from '../hints/next-hint.js';
import { loadSteps, type Lab } from '../lab.js';
import type { ScenarioStep } from '../scenario/steps.js';

export async function run(lab: Lab, args: string[]): Promise<number> {
  const { paths } = lab;
  const steps = await loadSteps(lab.scenario);
  exitWithTextIfHelpAsked(hintHelp(steps), args);
  const chosen = parseCliArgs(args, steps);
  const progress = readProgress(paths.checkProgress);
  const step = chosen ?? currentStep(steps, progress);
  if (!step) {
    console.log('Every step passed at your last `npm run check`. Nothing left to hint at: well done!');
    return 0;
  }
  const shown = readHintProgress(paths.hints);
  const hint = nextHint(step, shown);
  writeHintProgress({ ...shown, [step.id]: hint.level }, paths.hints);

  const basis = chosen
    ? ''
    : progress
      ? ` (the first step your last check, at ${progress.checkedAt.slice(11, 16)} UTC, did not pass)`
      : ' (no `npm run check` yet, so starting at the beginning)';
  console.log(`Hint ${hint.level} of 3 for “${hint.title}”${basis}:\n`);
  console.log(`  ${hint.text}\n`);
  console.log(hint.level < 3 ? 'Still stuck? `npm run hint` again gives a stronger hint.' : 'That is the strongest hint. solution/ has the full answer, with comments.');
  return 0;
}

function parseCliArgs(args: string[], steps: readonly ScenarioStep[]): ScenarioStep | undefined {
  let id: string | undefined;
  try {
    id = parseArgs({ args, options: { step: { type: 'string' } }, strict: true }).values.step;
  } catch (error) {
    throw usageError((error as Error).message, hintUsage(steps));
  }
  if (id === undefined) return undefined;
  const step = steps.find((candidate) => candidate.id === id);
  if (!step) throw new LabError('USAGE', `There is no step "${id}". ${hintUsage(steps)}`);
  return step;
}
