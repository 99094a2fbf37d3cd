/** What a person reads from `--help`, and the one line a wrong option gets, for every learner command. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHelp, helpTexts, hintHelp } from '../../lab/command-help.js';
import { ROOT_DIR } from '../../lab/config.js';
import { DEFINITION_FILE } from '../../lab/scenario/location.js';
import { runCli } from '../helpers/cli.js';
import { loadSteps } from '../../lab/lab.js';
import { scenario, SCENARIO_DIR } from '../helpers/project-lab.js';

const steps = await loadSteps(scenario);
/** Every command's help: `npm run check` and `npm run hint` list the scenario's steps. */
const HELP_OF = { ...helpTexts(scenario, SCENARIO_DIR), check: checkHelp(scenario, steps), hint: hintHelp(steps) };

/** Every learner command with a help of its own (`npm start` is `lab/cli.ts start`). */
const COMMANDS = ['start', 'seed', 'check', 'hint', 'db', 'reset', 'solve', 'chaos', 'scale', 'deploy'] as const satisfies ReadonlyArray<keyof typeof HELP_OF>;
const CLI = 'lab/cli.ts';

describe('--help', () => {
  it.each(COMMANDS)('npm run %s -- --help prints its help and exits 0, lab running or not', async (topic) => {
    for (const flag of ['--help', '-h']) {
      const result = await runCli(CLI, [topic, flag], {});
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
    const result = await runCli(CLI, ['start', '--bogus'], {});
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("✘ Unknown option '--bogus'. usage: npm start [-- --restart-on-crash]; npm start -- --help for more.");
    expect(result.stdout).toBe('');
  });

  it('npm start -- --balancer in a scenario without a balancer: one line, exit code 2, nothing started', async () => {
    const result = await runCli(CLI, ['start', '--balancer', 'nginx'], {});
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`✘ --balancer: Scenario ${scenario.number} runs no load balancer, so --balancer has nothing to choose; start without it.`);
  });
});

describe('for another scenario', () => {
  /** A scenario only this test knows: its own app, tables, users and steps, none of Scenario 1's. */
  const DEFINITION = `export default {
  number: 99, title: 'Fixture', summary: 'Only for a test.', concepts: [], level: 'beginner', minutes: 1, status: 'in progress',
  database: { name: 'shop', role: 'shop_app', password: 'shop_app', tables: ['orders', 'customers'] },
  files: {
    app: 'app/main.ts', schema: 'sql/schema.sql', solutionFiles: { 'app/main.ts': 'answer/main.ts' }, solutionSql: 'answer/fix.sql',
    solutionSqlSummary: 'the materialized view', pristine: { 'app/main.ts': 'machinery/pristine/main.ts.txt' },
  },
  dataset: {
    unit: 'orders', unitSteps: [1000],
    options: { orders: { default: 1000, min: 10, max: 10000, help: 'how many orders' } },
    seed: async () => { throw new Error('not in this test'); },
    seededSize: async () => undefined,
  },
  loadTest: { users: 30, route: '/orders', durationSeconds: 10, requestTimeoutSeconds: 5, p99GoalMs: 250 },
  calibration: { state: 'the orders page without its view', route: '/orders', targetWaitSeconds: 1, keepWaitSeconds: { min: 0.5, max: 2 } },
  drills: { databaseProbeRoute: '/orders' },
  checks: {
    fixes: 'all three fixes',
    steps: async () => ({ default: [{
      id: 'view', title: 'Make the orders page fast', required: true, needs: [],
      hints: ['Look at the orders page first.', 'Where does it spend its time?', 'Keep a view of it ready.'],
      check: () => ({ status: 'passed', observed: 'fast', next: '' }),
    }] }),
  },
};
`;
  let folder: string;
  const helpOf = async (command: string) => {
    const result = await runCli(CLI, [command, '--help'], { LAB_SCENARIO: folder, LAB_STATE_DIR: path.join(folder, '.lab') });
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };
  beforeAll(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-fixture-scenario-'));
    fs.mkdirSync(path.join(folder, path.dirname(DEFINITION_FILE)));
    fs.writeFileSync(path.join(folder, DEFINITION_FILE), DEFINITION);
  });
  afterAll(() => {
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('every help takes the scenario\'s words from its definition, and none of Scenario 1\'s', async () => {
    const helps = Object.fromEntries(await Promise.all(COMMANDS.map(async (command) => [command, await helpOf(command)] as const)));
    for (const [command, text] of Object.entries(helps)) {
      expect(text, command).not.toMatch(/server\.ts|posts|\/feed|both fixes|200 users|solution\//);
    }
    expect(helps.start).toContain('your app (app/main.ts, restarted on every save)');
    expect(helps.reset).toContain('the original app/main.ts (yours is kept in\n.lab/main.ts.before-reset) and no indexes of yours on orders or customers.');
    expect(helps.solve).toContain('answer/main.ts over app/main.ts, and the materialized view of\nanswer/fix.sql.');
    expect(helps.check).toContain("sends the goal's 30 users only once all three fixes pass\n(a green `npm run loadtest` with all three fixes counts instead)");
    expect(helps.check).toContain('The steps:\n  - Make the orders page fast\n\n');
    expect(helps.hint).toContain('a hint for this step instead (view)');
  });

  it('npm run hint gives the scenario\'s own hints', async () => {
    const env = { LAB_SCENARIO: folder, LAB_STATE_DIR: path.join(folder, '.lab') };
    const first = await runCli(CLI, ['hint'], env);
    expect(first.stdout, first.stderr).toContain('Hint 1 of 3 for “Make the orders page fast” (no `npm run check` yet, so starting at the beginning):\n\n  Look at the orders page first.');
    expect((await runCli(CLI, ['hint'], env)).stdout).toContain('  Where does it spend its time?');
    const wrong = await runCli(CLI, ['hint', '--step', 'pool'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim()).toBe('✘ There is no step "pool". usage: npm run hint [-- --step view]');
  });
});

describe('npm run generate:grafana (a maintainer\'s command)', () => {
  const dashboard = path.join(ROOT_DIR, 'observability', 'grafana', 'dashboards', `scenario-${scenario.number}.json`);

  it('prints its usage for --help and refuses an option it does not know, writing nothing either way', async () => {
    const before = fs.statSync(dashboard).mtimeMs;
    const help = await runCli(CLI, ['generate:grafana', '--help'], {});
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run generate:grafana \[-- --scenario N\]\n/);
    const wrong = await runCli(CLI, ['generate:grafana', '--bogus'], {});
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim()).toBe('✘ unknown option --bogus. usage: npm run generate:grafana [-- --scenario N]');
    expect(fs.statSync(dashboard).mtimeMs).toBe(before);
  });
});
