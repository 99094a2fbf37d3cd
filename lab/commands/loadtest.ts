/**
 * `npm run loadtest`: the scenario's load test, with the defaults of its definition (loadTest):
 * its users, route or traffic mix, duration and patience. `-- --help` lists every option.
 */
import { runLoadTestCommand } from '../loadtest/command.js';

runLoadTestCommand();
