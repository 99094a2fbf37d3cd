/**
 * The learner commands' help, as Scenario 1's learner reads it: its files, tables, users and
 * steps, which the engine takes from the scenario's definition.
 */
import { describe, expect, it } from 'vitest';
import { checkHelp, helpTexts, hintHelp } from '../../../lab/command-help.js';
import scenario from '../../../scenarios/01-connection-pools/machinery/scenario.js';
import { SCENARIO_DIR } from '../../helpers/project-lab.js';
import steps from '../../../scenarios/01-connection-pools/machinery/steps.js';

const HELP = helpTexts(scenario, SCENARIO_DIR);

describe("Scenario 1's help", () => {
  it('names its app where the lab runs it, restores it and waits for it', () => {
    expect(HELP.start).toContain('your app (src/server.ts, restarted on every save)');
    expect(HELP.chaos).toContain('it stays down until you save src/server.ts, unless');
    expect(HELP.reset).toContain('the original src/server.ts (yours is kept in\n.lab/server.ts.before-reset) and no indexes of yours on posts or users.');
  });

  it('names its solution', () => {
    expect(HELP.solve).toContain('Applies the solution: solution/server.fixed.ts over src/server.ts, and the index of\nsolution/fix.sql.');
    expect(HELP.db).toContain('(e.g. solution/fix.sql)');
  });

  it('of npm run check says when the goal sends its 200 users, and lists the steps', () => {
    expect(checkHelp(scenario, steps)).toContain(
      "sends the goal's 200 users only once both fixes pass\n(a green `npm run loadtest` with both fixes counts instead).",
    );
    expect(checkHelp(scenario, steps)).toContain(`The steps:
  - Reproduce the failure with a load test
  - Fix 1: connections
  - Fix 2: the feed query
  - Goal: 200 users, 0 errors, p99 under 1 s
  - Bonus: the other slow endpoint, /users/:id/posts
  - Bonus: the app survives a database restart
`);
  });

  it('of npm run hint names the step ids', () => {
    expect(hintHelp(steps)).toContain('--step ID    a hint for this step instead (reproduce, pool, index, goal, bonus-user-posts, bonus-db-restart)');
  });
});
