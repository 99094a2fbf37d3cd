/**
 * The `--help` text of each learner command, kept in one file so the tests can pin what a
 * person reads (the load test keeps its own in lab/loadtest/loadtest-help.ts, built from its limits).
 * The scenario's files, tables and numbers come from its definition; the help of
 * `npm run check` and `npm run hint` lists its steps, which those commands load first.
 */
import path from 'node:path';
import { MAX_NOISY_SECONDS, MAX_OUTAGE_SECONDS } from './chaos/chaos-routes.js';
import { goalLoad } from './check/step-goal.js';
import { DEFAULT_APP_PORT, DEFAULT_LAB_PORT, DEFAULT_PG_PORT } from './config.js';
import type { ScenarioDefinition } from './scenario/definition.js';
import { appRole, fleetRoles } from './scenario/fleet-roles.js';
import type { ScenarioStep } from './scenario/steps.js';

/** Every command's help, for this scenario (in its folder). */
export function helpTexts(scenario: ScenarioDefinition, folder: string) {
  const { app, solutionFiles = {}, solutionSql, solutionSqlSummary } = scenario.files;
  // The files reset puts back: the app, and every file the solution changes.
  const swapped = [...new Set([app, ...Object.keys(solutionFiles)])];
  return {
    start: `Usage: npm start [-- --restart-on-crash]${scenario.balancer ? ' [-- --balancer built-in|nginx]' : ''}

Starts the lab: PostgreSQL (embedded, or the one DATABASE_URL names), the schema, the seed on
the first start, your app (${app}, restarted on every save) and the dashboard.
Ctrl-C stops everything it started.

Options:
  --restart-on-crash   bring the app back by itself after it crashes, as a process manager would
${scenario.balancer ? `  --balancer nginx     run real nginx (installed on this machine) as the load balancer, from
                       ${scenario.balancer.settings}, instead of the lab's own (--balancer built-in, the default)
` : ''}  -h, --help           show this help

Environment: PORT (app, ${DEFAULT_APP_PORT}), LAB_PORT (dashboard, ${DEFAULT_LAB_PORT}), LAB_DB_PORT (embedded PostgreSQL,
${DEFAULT_PG_PORT}), DATABASE_URL (use your own PostgreSQL), HOST (listen address, 127.0.0.1),
LAB_CALIBRATE=off (keep the default table size or load rate), LAB_STATE_DIR (where .lab/ lives)${scenario.balancer ? ',\nLAB_BALANCER=nginx (as --balancer nginx)' : ''}.
`,
    seed: seedHelp(scenario),
    db: `Usage: npm run db [-- -c "SQL"] [-- -f file.sql] [-- --builtin]

Opens a SQL console on the lab's database, as the app's role: psql when it is installed,
otherwise a built-in console (end statements with ;, \\d TABLE describes a table, \\q quits).

Options:
  -c SQL       run one statement and exit
  -f FILE      run the statements in FILE and exit (e.g. ${solutionSql})
  --builtin    use the built-in console even if psql is installed
  -h, --help   show this help
`,
    reset: `Usage: npm run reset [-- --yes] [-- --runs]

Puts the scenario back where it started: the original ${swapped.join(' and ')} (yours ${swapped.length === 1 ? 'is' : 'are'} kept in
${swapped.map((file) => `.lab/${path.basename(file)}.before-reset`).join(' and ')}) and no indexes of yours on ${scenario.database.tables.join(' or ')}. The data stays.

Options:
  --yes        do not ask first
  --runs       also delete the load-test run history
  -h, --help   show this help
`,
    solve: `Usage: npm run solve

Applies the solution: ${Object.entries(solutionFiles).map(([learner, fixed]) => `${fixed} over ${learner}, and `).join('')}${solutionSqlSummary} of
${solutionSql}. For instructors and tests; \`npm run reset\` undoes it.

Options:
  -h, --help   show this help
`,
    chaos: `Usage: npm run chaos -- db [--seconds N]  |  npm run chaos -- app [--seconds N]  |  npm run chaos -- kill ROLE [NAME] [--seconds N]
       npm run chaos -- noisy ROLE [NAME] [--seconds N]

Breaks the system on purpose while probing the app, then says how long it was down as seen
from outside.

  db     takes the database away for N seconds (default 10, at most ${MAX_OUTAGE_SECONDS}), then brings it back
  app    kills the app process the way a crash would, and watches /health for N seconds (default 5);
         it stays down until you save ${app}, unless npm start ran with --restart-on-crash
  kill   kills one process of a role (${roleNames(scenario, folder)}) the same way: the one NAME names
         ("worker-2"), else the role's highest-numbered; then watches N seconds (default 5)
         for it to come back
  noisy  holds one process of a role (NAME, else the role's first) to one core beside a CPU
         burner for N seconds (default 60, at most ${MAX_NOISY_SECONDS}), as a busy neighbour on a shared
         host would: that process gets about half a core. Linux only (it needs taskset)

Options:
  -h, --help   show this help
`,
    scale: `Usage: npm run scale -- ROLE COUNT

Changes how many processes of a role the running lab runs. New ones start at once, are scraped
by the dashboard and connect to PostgreSQL with their name ("worker-3") as application_name;
when there are fewer, the highest-numbered stop first (SIGTERM, then SIGKILL after 5 s).
This scenario's roles: ${roleRanges(scenario, folder)}.

Options:
  -h, --help   show this help
`,
    deploy: `Usage: npm run deploy [-- ROLE]

Replaces a role's processes one at a time, as a rolling deploy does: each is stopped (SIGTERM,
then SIGKILL after 5 s) and started again with the files as they are now, and the next waits
until it answers (and, behind the balancer, until the balancer sends to it again). Without
ROLE: ${deployDefault(scenario, folder)}. Run a load test beside it to see what a deploy costs.

Options:
  -h, --help   show this help
`,
  } as const;
}

export type HelpTopic = keyof ReturnType<typeof helpTexts>;

/** The first line of a command's help: its usage, for one-line errors. */
export function usageOf(scenario: ScenarioDefinition, folder: string, topic: HelpTopic): string {
  return usageLine(helpTexts(scenario, folder)[topic]);
}

/** The first line of a help text, as a one-line error quotes it. */
export function usageLine(help: string): string {
  return help.split('\n')[0]!.replace(/^Usage: /, 'usage: ');
}

/** The fleet's role names: "app" or "api, worker". */
function roleNames(scenario: ScenarioDefinition, folder: string): string {
  return fleetRoles(scenario, folder).map((role) => role.role).join(', ');
}

/** The role `npm run deploy` replaces when none is named: the one behind the balancer, else the app. */
function deployDefault(scenario: ScenarioDefinition, folder: string): string {
  return `${appRole(fleetRoles(scenario, folder)).role}'s processes`;
}

/** Each role with the counts it accepts: "worker 1 to 8 (3 at start)". */
function roleRanges(scenario: ScenarioDefinition, folder: string): string {
  return fleetRoles(scenario, folder)
    .map(({ role, count }) => `${role} ${count.min === count.max ? `exactly ${count.min}` : `${count.min} to ${count.max} (${count.default} at start)`}`)
    .join(', ');
}

/** The seed command's help, from the scenario's sizes (its definition's dataset.options). */
function seedHelp(scenario: ScenarioDefinition): string {
  const options = Object.entries(scenario.dataset.options);
  const names = options.map(([name]) => name);
  const flags = options.map(([name, option]) =>
    `  --${`${name} N`.padEnd(11)}${option.help}, ${option.min.toLocaleString('en-US')} to ${option.max.toLocaleString('en-US')} (default ${option.default.toLocaleString('en-US')})`,
  );
  return `Usage: npm run seed -- ${names.map((name) => `[--${name} N]`).join(' ')} [--force]

Replaces all ${[...names].reverse().join(' and ')} with freshly generated ones (the indexes you created stay).
Without options: the size seeded now (the one npm start chose for this machine), or the default
size on an empty database; skipped if the database already holds exactly that, unless --force.

Options:
${flags.join('\n')}
  --force      seed again even if that size is already there
  -h, --help   show this help
`;
}

/** `npm run check`'s help, which lists the scenario's steps. */
export function checkHelp(scenario: ScenarioDefinition, steps: readonly ScenarioStep[]): string {
  const { fixes } = scenario.checks;
  return `Usage: npm run check [-- --json]

Checks each step of the scenario against the running lab, by behaviour (never by reading your
code), and says for each what it saw; the step you are on also says what to try next. It says
so when it sends requests to your app, and sends the goal's ${goalLoad(scenario)} only once ${fixes} pass
(a green \`npm run loadtest\` with ${fixes} counts instead). Exit code 0 when the required
steps pass. The steps:
${steps.map((step) => `  - ${step.title}`).join('\n')}

Options:
  --json       the same result as JSON, for scripts
  -h, --help   show this help
`;
}

/** `npm run hint`'s help, which names the scenario's step ids. */
export function hintHelp(steps: readonly ScenarioStep[]): string {
  return `Usage: npm run hint [-- --step ID]

Prints the next hint for the first step your last \`npm run check\` did not pass. Ask again for
a stronger one: a nudge, then where to look, then nearly the answer.

Options:
  --step ID    a hint for this step instead (${steps.map((step) => step.id).join(', ')})
  -h, --help   show this help
`;
}

/** `npm run hint`'s usage with every step id, for its one-line errors. */
export function hintUsage(steps: readonly ScenarioStep[]): string {
  return `usage: npm run hint [-- --step ${steps.map((step) => step.id).join('|')}]`;
}

/** Prints the command's help and exits when --help or -h is among its arguments. */
export function exitWithHelpIfAsked(scenario: ScenarioDefinition, folder: string, topic: HelpTopic, args: readonly string[]): void {
  exitWithTextIfHelpAsked(helpTexts(scenario, folder)[topic], args);
}

/** Prints `help` and exits when --help or -h is among the arguments (for a help built at run time). */
export function exitWithTextIfHelpAsked(help: string, argv: readonly string[]): void {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  process.stdout.write(help);
  process.exit(0);
}
