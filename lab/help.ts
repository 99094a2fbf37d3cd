/**
 * The `--help` text of each learner command, kept in one file so the tests can pin what a
 * person reads (the load test keeps its own in lab/loadtest/help.ts, built from its limits).
 */
import { MAX_OUTAGE_SECONDS } from './chaos/chaos-routes.js';
import { STEPS } from './check/types.js';
import { scenario } from './scenario/current.js';

export const HELP = {
  start: `Usage: npm start [-- --restart-on-crash]

Starts the lab: PostgreSQL (embedded, or the one DATABASE_URL names), the schema, the seed on
the first start, your app (src/server.ts, restarted on every save) and the dashboard.
Ctrl-C stops everything it started.

Options:
  --restart-on-crash   bring the app back by itself after it crashes, as a process manager would
  -h, --help           show this help

Environment: PORT (app, 3000), LAB_PORT (dashboard, 3002), LAB_DB_PORT (embedded PostgreSQL,
54329), DATABASE_URL (use your own PostgreSQL), HOST (listen address, 127.0.0.1),
LAB_CALIBRATE=off (keep the default table size), LAB_STATE_DIR (where .lab/ lives).
`,
  seed: seedHelp(),
  check: `Usage: npm run check [-- --json]

Checks each step of the scenario against the running lab, by behaviour (never by reading your
code), and says for each what it saw; the step you are on also says what to try next. It says
so when it sends requests to your app, and sends the goal's 200 users only once both fixes pass
(a green \`npm run loadtest\` with both fixes counts instead). Exit code 0 when the required
steps pass. The steps:
${Object.values(STEPS)
  .map((step) => `  - ${step.title}`)
  .join('\n')}

Options:
  --json       the same result as JSON, for scripts
  -h, --help   show this help
`,
  hint: `Usage: npm run hint [-- --step ID]

Prints the next hint for the first step your last \`npm run check\` did not pass. Ask again for
a stronger one: a nudge, then where to look, then nearly the answer.

Options:
  --step ID    a hint for this step instead (${Object.keys(STEPS).join(', ')})
  -h, --help   show this help
`,
  db: `Usage: npm run db [-- -c "SQL"] [-- -f file.sql] [-- --builtin]

Opens a SQL console on the lab's database, as the app's role: psql when it is installed,
otherwise a built-in console (end statements with ;, \\d TABLE describes a table, \\q quits).

Options:
  -c SQL       run one statement and exit
  -f FILE      run the statements in FILE and exit (e.g. solution/fix.sql)
  --builtin    use the built-in console even if psql is installed
  -h, --help   show this help
`,
  reset: `Usage: npm run reset [-- --yes] [-- --runs]

Puts the scenario back where it started: the original src/server.ts (yours is kept in
.lab/server.ts.before-reset) and no indexes of yours on posts or users. The data stays.

Options:
  --yes        do not ask first
  --runs       also delete the load-test run history
  -h, --help   show this help
`,
  solve: `Usage: npm run solve

Applies the solution: solution/server.fixed.ts over src/server.ts, and the index of
solution/fix.sql. For instructors and tests; \`npm run reset\` undoes it.

Options:
  -h, --help   show this help
`,
  chaos: `Usage: npm run chaos -- db [--seconds N]  |  npm run chaos -- app [--seconds N]

Breaks the system on purpose while probing the app, then says how long it was down as seen
from outside.

  db     takes the database away for N seconds (default 10, at most ${MAX_OUTAGE_SECONDS}), then brings it back
  app    kills the app process the way a crash would, and watches /health for N seconds (default 5);
         it stays down until you save src/server.ts, unless npm start ran with --restart-on-crash

Options:
  -h, --help   show this help
`,
} as const;

export type HelpTopic = keyof typeof HELP;

/** The first line of a command's help: its usage, for one-line errors. */
export function usageOf(topic: HelpTopic): string {
  return HELP[topic].split('\n')[0]!.replace(/^Usage: /, 'usage: ');
}

/** The seed command's help, from the scenario's sizes (its definition's dataset.options). */
function seedHelp(): string {
  const options = Object.entries(scenario.dataset.options);
  const names = options.map(([name]) => name);
  const flags = options.map(([name, option]) =>
    `  --${`${name} N`.padEnd(11)}${option.help}, ${option.min.toLocaleString('en-US')} to ${option.max.toLocaleString('en-US')} (default ${option.default.toLocaleString('en-US')})`,
  );
  return `Usage: npm run seed -- ${names.map((name) => `[--${name} N]`).join(' ')} [--force]

Replaces all ${[...names].reverse().join(' and ')} with freshly generated ones (the indexes you created stay).
Without options: the default size, skipped if the database already holds exactly that.

Options:
${flags.join('\n')}
  --force      seed again even if that size is already there
  -h, --help   show this help
`;
}

/** Prints the command's help and exits when --help or -h is among its arguments. */
export function exitWithHelpIfAsked(topic: HelpTopic, argv: string[] = process.argv.slice(2)): void {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  process.stdout.write(HELP[topic]);
  process.exit(0);
}
