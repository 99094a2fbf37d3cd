/**
 * `npm run hint [-- --step ID]`: the next hint for the first step the last `npm run check`
 * did not pass; asked again, a stronger one (three levels). The hints are the scenario's steps'
 * own; progress is kept in the scenario's .lab/hints.json.
 */
import { parseArgs } from 'node:util';
import { readProgress } from '../check/progress.js';
import { LabError, runCommand, usageError } from '../errors.js';
import { exitWithTextIfHelpAsked, hintHelp, hintUsage } from '../command-help.js';
import { readHintProgress, writeHintProgress } from '../hints/hint-progress.js';
import { currentStep, nextHint } from '../hints/next-hint.js';
import { loadSteps } from '../scenario/current.js';
import type { ScenarioStep } from '../scenario/steps.js';

const steps = await loadSteps();
exitWithTextIfHelpAsked(hintHelp(steps));
runCommand(async () => {
  const chosen = parseCliArgs();
  const progress = readProgress();
  const step = chosen ?? currentStep(steps, progress);
  if (!step) {
    console.log('Every step passed at your last `npm run check`. Nothing left to hint at: well done!');
    return 0;
  }
  const shown = readHintProgress();
  const hint = nextHint(step, shown);
  writeHintProgress({ ...shown, [step.id]: hint.level });

  const basis = chosen
    ? ''
    : progress
      ? ` (the first step your last check, at ${progress.checkedAt.slice(11, 16)} UTC, did not pass)`
      : ' (no `npm run check` yet, so starting at the beginning)';
  console.log(`Hint ${hint.level} of 3 for “${hint.title}”${basis}:\n`);
  console.log(`  ${hint.text}\n`);
  console.log(hint.level < 3 ? 'Still stuck? `npm run hint` again gives a stronger hint.' : 'That is the strongest hint. solution/ has the full answer, with comments.');
  return 0;
});

function parseCliArgs(): ScenarioStep | undefined {
  let id: string | undefined;
  try {
    id = parseArgs({ options: { step: { type: 'string' } }, strict: true }).values.step;
  } catch (error) {
    throw usageError((error as Error).message, hintUsage(steps));
  }
  if (id === undefined) return undefined;
  const step = steps.find((candidate) => candidate.id === id);
  if (!step) throw new LabError('USAGE', `There is no step "${id}". ${hintUsage(steps)}`);
  return step;
}
