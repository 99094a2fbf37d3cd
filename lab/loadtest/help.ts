/** The text of `npm run loadtest -- --help`, kept apart so a test can pin it. */
import { LIMITS, type LoadTestDefaults } from './options.js';

export function helpText(defaults: LoadTestDefaults): string {
  return `Usage: npm run loadtest -- [options]

Puts many simultaneous users on the app (started by \`npm start\`) for a while, then says
how it went, saves the run in .lab/runs/ and compares it with your earlier runs.

Options:
  -u, --users N       simultaneous users, ${LIMITS.users.min}-${LIMITS.users.max} (default ${defaults.users})
  -d, --duration S    seconds to run, ${LIMITS.durationSeconds.min}-${LIMITS.durationSeconds.max} (default ${defaults.durationSeconds})
  -r, --route PATH    the path every user asks for (default ${defaults.route})
  -l, --label TEXT    name this run in the table (default: named from what the lab saw)
      --json          print only the saved run, as JSON, for scripts
  -h, --help          show this help

Each user waits at most ${defaults.requestTimeoutSeconds} s for an answer. Ctrl-C stops early and keeps what was measured.
See all runs again: npm run runs     Forget them: npm run runs -- --clear
`;
}
