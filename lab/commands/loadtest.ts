/**
 * `npm run loadtest`: the scenario's load test, with the defaults of its definition (loadTest):
 * its users, route or traffic mix, duration and patience. `-- --help` lists every option.
 */
import type { Lab } from '../lab.js';
import { runLoadTestCommand } from '../loadtest/command.js';

export function run(lab: Lab, args: string[]): Promise<void> {
  return runLoadTestCommand(lab, args);
}
