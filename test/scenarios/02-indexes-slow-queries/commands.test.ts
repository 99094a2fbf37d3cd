/**
 * Every command Scenario 2's README.md and SCENARIO.md give the learner to type (each line of
 * their ```bash blocks, `npm install` aside) is one the scenario knows, with arguments it accepts: a script of its
 * package.json; the load test's options as its own parser reads them (so every --route names a
 * page of the mix or a path on the app); the SQL of `npm run db -- -c` runs as the app's role;
 * any other command's options are ones its --help lists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpTexts } from '../../../lab/command-help.js';
import { scenarioDefaults } from '../../../lab/loadtest/command.js';
import { parseLoadTestArgs } from '../../../lab/loadtest/options.js';
import { createTestDatabase, sql, type TestDatabase } from '../../helpers/database.js';
import { fencedBlocks, LEARNER_DOCS } from '../../helpers/markdown.js';
import { scenario, SCENARIO_DIR } from '../../helpers/project-lab.js';

const HELP = helpTexts(scenario, SCENARIO_DIR);

interface Command {
  where: string;
  script: string;
  args: string[];
}

const scripts = (JSON.parse(fs.readFileSync(path.join(SCENARIO_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** Splits a command line as a POSIX shell does for these simple cases: spaces, and "double" or 'single' quotes. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]!);
}

/** `npm start`, `npm test` and `npm run NAME`, each with what follows its `--`. */
function commandOf(line: string, where: string): Command {
  const [npm, verb, ...rest] = words(line);
  expect(npm, `${where}: ${line}`).toBe('npm');
  const script = verb === 'run' ? rest.shift()! : verb!;
  if (rest.length > 0) expect(rest[0], `${where}: options come after --`).toBe('--');
  return { where, script, args: rest.slice(1) };
}

const commands: Command[] = LEARNER_DOCS.flatMap((file) =>
  fencedBlocks(file)
    .filter((block) => block.language === 'bash')
    .flatMap((block) =>
      block.body
        .split('\n')
        .map((line, index) => ({ line: line.trim(), where: `${file}:${block.line + 1 + index}` }))
        .filter(({ line }) => line.length > 0 && !line.startsWith('#'))
        // `npm install && npm start`: npm's own install, then a script.
        .flatMap(({ line, where }) => line.split('&&').map((part) => ({ line: part.trim(), where })))
        .filter(({ line }) => line !== 'npm install')
        .map(({ line, where }) => commandOf(line, where)),
    ),
);

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('commands');
});

afterAll(async () => {
  await database?.drop();
});

describe("Scenario 2's commands, as the docs give them", () => {
  it('are all npm scripts of the scenario', () => {
    // A floor that proves the docs were read (cut to an hour, the walkthrough's code blocks hold two load tests).
    expect(commands.length).toBeGreaterThanOrEqual(8);
    expect(commands.filter((command) => !(command.script in scripts)).map((command) => `${command.where}: ${command.script}`)).toEqual([]);
  });

  it('give the load test options it accepts, each --route a page of the mix or a path', () => {
    const loadTests = commands.filter((command) => command.script === 'loadtest');
    expect(loadTests.length).toBeGreaterThanOrEqual(2);
    const mixPages = new Set(scenarioDefaults(scenario).mix!.map((route) => route.name));
    for (const { where, args } of loadTests) {
      const options = parseLoadTestArgs(args, scenarioDefaults(scenario));
      if (args.includes('--route')) {
        const [route] = options.routes;
        expect(mixPages.has(route!.name) || route!.path.startsWith('/'), `${where}: --route ${route!.name}`).toBe(true);
      }
    }
  });

  it('run every `npm run db -- -c` statement as the app role', async () => {
    const statements = commands.filter((command) => command.script === 'db');
    expect(statements.length).toBeGreaterThan(0);
    for (const { where, args } of statements) {
      expect(args[0], where).toBe('-c');
      await expect(sql(database.appUrl, args[1]!), where).resolves.toBeDefined();
    }
  });

  it("give any other command only options its --help lists", () => {
    const others = commands.filter((command) => !['loadtest', 'db'].includes(command.script) && command.args.length > 0);
    for (const { where, script, args } of others) {
      const help = (HELP as Record<string, string>)[script];
      expect(help, `${where}: npm run ${script} takes options, and has no --help text to check them against`).toBeDefined();
      for (const arg of args.filter((word) => !/^\d+$/.test(word))) expect(help, `${where}: ${arg}`).toContain(arg);
    }
  });
});
