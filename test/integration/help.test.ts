/** What a person reads from `--help`, and the one line a wrong option gets, for every learner command. */
import { describe, expect, it } from 'vitest';
import { checkHelp, HELP, hintHelp } from '../../lab/help.js';
import { loadSteps } from '../../lab/scenario/current.js';
import { runCli } from '../helpers/cli.js';

const steps = await loadSteps();
/** Every command's help: `npm run check` and `npm run hint` list the scenario's steps. */
const HELP_OF = { ...HELP, check: checkHelp(steps), hint: hintHelp(steps) };

const ENTRIES = {
  start: 'lab/commands/start.ts',
  seed: 'lab/commands/seed.ts',
  check: 'lab/commands/check.ts',
  hint: 'lab/commands/hint.ts',
  db: 'lab/commands/db.ts',
  reset: 'lab/commands/reset.ts',
  solve: 'lab/commands/solve.ts',
  chaos: 'lab/commands/chaos.ts',
} satisfies Record<keyof typeof HELP_OF, string>;

describe('--help', () => {
  it.each(Object.entries(ENTRIES))('npm run %s -- --help prints its help and exits 0, lab running or not', async (topic, entry) => {
    for (const flag of ['--help', '-h']) {
      const result = await runCli(entry, [flag], {});
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(HELP_OF[topic as keyof typeof HELP_OF]);
    }
  });

  it('each help starts with its usage line and lists --help', () => {
    for (const [topic, text] of Object.entries(HELP_OF)) {
      expect(text, topic).toMatch(topic === 'start' ? /^Usage: npm start/ : new RegExp(`^Usage: npm run ${topic}`));
      expect(text, topic).toContain('-h, --help');
    }
  });

  it('of check and hint names every step of the scenario: its title, its id', () => {
    for (const step of steps) {
      expect(HELP_OF.check).toContain(`\n  - ${step.title}\n`);
      expect(HELP_OF.hint).toMatch(new RegExp(`--step ID {4}a hint for this step instead \\(.*\\b${step.id}\\b.*\\)`));
    }
  });
});

describe('a wrong option', () => {
  it('npm start -- --bogus: one line, the usage, exit code 2, nothing started', async () => {
    const result = await runCli(ENTRIES.start, ['--bogus'], {});
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("✘ Unknown option '--bogus'. usage: npm start [-- --restart-on-crash]; npm start -- --help for more.");
    expect(result.stdout).toBe('');
  });
});
