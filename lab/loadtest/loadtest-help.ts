/** The text of `npm run loadtest -- --help`, kept apart so a test can pin it. */
import { describeRoute, mixShares } from './mix.js';
import { LIMITS, type LoadTestDefaults } from './options.js';

export function helpText(defaults: LoadTestDefaults): string {
  const route = defaults.mix
    ? '-r, --route R       one route of the mix, by name or path, or any path (default: the whole mix)'
    : `-r, --route PATH    the path every user asks for (default ${defaults.route})`;
  const mix = defaults.mix
    ? `\nEach request goes to one route of the mix, drawn by its share: ${mixShares(defaults.mix)}.\n` +
      defaults.mix.map((route) => `  ${route.name.padEnd(18)}${describeRoute(route)}\n`).join('')
    : '';
  const rate = defaults.ratePerSecond;
  const what = rate === undefined ? 'many simultaneous users' : `${rate} requests a second`;
  const users = rate === undefined
    ? `-u, --users N       simultaneous users, ${LIMITS.users.min}-${LIMITS.users.max} (default ${defaults.users})
      --rate N        instead of users: N requests a second, ${LIMITS.ratePerSecond.min}-${LIMITS.ratePerSecond.max}, sent on time whatever
                      the app answers (as customers arrive); latency counts from each one's time`
    : `    --rate N        N requests a second, ${LIMITS.ratePerSecond.min}-${LIMITS.ratePerSecond.max} (default ${rate}), sent on time whatever
                      the app answers (as customers arrive); latency counts from each one's time
  -u, --users N       instead of a rate: N simultaneous users, ${LIMITS.users.min}-${LIMITS.users.max}, each sending its next
                      request once answered`;
  return `Usage: npm run loadtest -- [options]

Puts ${what} on the app (started by \`npm start\`) for a while, then says
how it went, saves the run in .lab/runs/ and compares it with your earlier runs.

Options:
  ${users}
  -d, --duration S    seconds to run, ${LIMITS.durationSeconds.min}-${LIMITS.durationSeconds.max} (default ${defaults.durationSeconds})
  ${route}
  -l, --label TEXT    name this run in the table (default: named from what the lab saw)
      --json          print only the saved run, as JSON, for scripts
  -h, --help          show this help
${mix}
Each ${rate === undefined ? 'user' : 'request'} waits at most ${defaults.requestTimeoutSeconds} s for an answer. Ctrl-C stops early and keeps what was measured.
See all runs again: npm run runs     Forget them: npm run runs -- --clear
`;
}
