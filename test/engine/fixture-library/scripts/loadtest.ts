// The fixture's load test, as a scenario's scripts/loadtest.ts runs it.
import { runLoadTestCommand } from '../../../../lab/loadtest/command.js';

runLoadTestCommand();
