/** What a person reads from `--help`, and the one line a wrong option gets, for every learner command. */
import { describe, expect, it } from 'vitest';
import { HELP, type HelpTopic } from '../../lab/help.js';
import { runCli } from '../helpers/cli.js';

const ENTRIES: Record<HelpTopic, string> = {
  start: 'lab/commands/start.ts',
  seed: 'lab/commands/seed.ts',
  check: 'lab/commands/check.ts',
  hint: 'lab/commands/hint.ts',
  db: 'lab/commands/db.ts',
  reset: 'lab/commands/reset.ts',
  solve: 'lab/commands/solve.ts',
  chaos: 'lab/commands/chaos.ts',
};

describe('--help', () => {
  it.each(Object.entries(ENTRIES))('npm run %s -- --help prints its help and exits 0, lab running or not', async (topic, entry) => {
    for (const flag of ['--help', '-h']) {
      const result = await runCli(entry, [flag], {});
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(HELP[topic as HelpTopic]);
    }
  });

  it('each help starts with its usage line and lists --help', () => {
    for (const [topic, text] of Object.entries(HELP)) {
      expect(text, topic).toMatch(topic === 'start' ? /^Usage: npm start/ : new RegExp(`^Usage: npm run ${topic}`));
      expect(text, topic).toContain('-h, --help');
    }
  });

  it('names every step of the checks and every step id of the hints', () => {
    expect(HELP.check).toContain('  - Fix 1: connections');
    expect(HELP.hint).toMatch(/--step ID {4}a hint for this step instead \(.*pool.*\)/);
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
