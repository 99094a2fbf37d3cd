/**
 * `npm run hint [-- --step ID]`: the next hint for the first step the last `npm run check`
 * did not pass; asked again, a stronger one (three levels). Progress is kept in .lab/hints.json.
 */
import { parseArgs } from 'node:util';
import { readProgress } from '../check/progress.js';
import { STEPS, type StepId } from '../check/types.js';
import { LabError, runCommand } from '../errors.js';
import { readHintProgress, writeHintProgress } from '../hints/hint-progress.js';
import { currentStep, nextHint } from '../hints/next-hint.js';
import { exitWithHelpIfAsked } from '../help.js';

const STEP_IDS = Object.keys(STEPS) as StepId[];
const USAGE = `usage: npm run hint [-- --step ${STEP_IDS.join('|')}]`;

exitWithHelpIfAsked('hint');
runCommand(async () => {
  const chosen = parseCliArgs();
  const progress = readProgress();
  const step = chosen ?? currentStep(progress);
  if (!step) {
    console.log('Every step passed at your last `npm run check`. Nothing left to hint at: well done!');
    return 0;
  }
  const shown = readHintProgress();
  const hint = nextHint(step, shown);
  writeHintProgress({ ...shown, [step]: hint.level });

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

function parseCliArgs(): StepId | undefined {
  let step: string | undefined;
  try {
    step = parseArgs({ options: { step: { type: 'string' } }, strict: true }).values.step;
  } catch (error) {
    throw new LabError(`${(error as Error).message}\n  ${USAGE}`, 2);
  }
  if (step === undefined) return undefined;
  if (!(STEP_IDS as string[]).includes(step)) throw new LabError(`There is no step "${step}". ${USAGE}`, 2);
  return step as StepId;
}
