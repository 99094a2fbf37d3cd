/** The lab's errors, by code: each code decides the exit code, and the places that raise them use their code. */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, LabError, labNotRunning, usageError } from '../../lab/errors.js';
import { folderOf } from '../../lab/scenario/location.js';
import { readSettings } from '../../lab/settings.js';
import { chooseProcessFacts } from '../../lab/os/system.js';

/** The code of the LabError the function throws. */
function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof LabError ? error.code : `not a LabError: ${String(error)}`;
  }
  return undefined;
}

describe('LabError', () => {
  it('takes its exit code from its code: 2 for a command line the lab cannot use, 1 otherwise', () => {
    for (const [code, exit] of Object.entries(ERROR_CODES)) expect(new LabError(code as keyof typeof ERROR_CODES, 'x').exitCode).toBe(exit);
    expect(usageError('--frob is not an option', 'usage: npm run x').exitCode).toBe(2);
    expect(usageError('--frob is not an option', 'usage: npm run x').message).toBe('--frob is not an option. usage: npm run x');
    expect(usageError('Which drill?', 'usage: npm run x').message).toBe('Which drill? usage: npm run x');
    expect(labNotRunning('run `npm run check` again')).toMatchObject({
      code: 'LAB_NOT_RUNNING',
      message: 'The lab is not running. Start it with `npm start` in another terminal, then run `npm run check` again.',
    });
  });

  it('is what the settings, the scenario choice and the seam raise, each with its code', () => {
    expect(codeOf(() => readSettings({ PORT: 'eighty' }))).toBe('BAD_SETTING');
    expect(codeOf(() => readSettings({ DATABASE_URL: 'mysql://x' }))).toBe('BAD_SETTING');
    expect(codeOf(() => folderOf('99'))).toBe('UNKNOWN_SCENARIO');
    expect(codeOf(() => chooseProcessFacts({ LAB_OS: 'beos' }, 'linux'))).toBe('BAD_SETTING');
  });
});
