/** `npm run deploy [-- ROLE]`: replaces a role's processes one at a time, as a rolling deploy does. */
import { parseArgs } from 'node:util';
import { labNotRunning, usageError } from '../errors.js';
import { exitWithHelpIfAsked, usageOf } from '../command-help.js';
import type { FleetDeploy } from '../lab-context.js';
import { askLabServer } from '../lab-server-client.js';
import { readRunningLab } from '../lab-state.js';
import type { Lab } from '../lab.js';

/** Each process may take its 5 s grace period to stop, and up to 30 s to be back in rotation. */
const DEPLOY_TIMEOUT_MS = 300_000;

export async function run(lab: Lab, args: string[]): Promise<number> {
  exitWithHelpIfAsked(lab.scenario, lab.paths.scenario, 'deploy', args);
  const role = parseCliArgs(args, usageOf(lab.scenario, lab.paths.scenario, 'deploy'));
  const running = readRunningLab(lab.paths.labState);
  if (!running) throw labNotRunning('deploy again');
  const startedAt = Date.now();
  const deploy = await askLabServer<FleetDeploy>(running.labPort, '/api/fleet/deploy', {
    body: role === undefined ? {} : { role },
    timeoutMs: DEPLOY_TIMEOUT_MS,
    failure: { code: 'FLEET_REFUSED', prefix: 'Not deployed' },
  });
  for (const { name, up, seconds } of deploy.replaced) {
    console.log(`  ${name.padEnd(12)} ${up ? `replaced, back in ${seconds.toFixed(1)} s` : `did not come back within ${seconds.toFixed(0)} s: the deploy stops here`}`);
  }
  const complete = deploy.replaced.every((process) => process.up);
  const total = ((Date.now() - startedAt) / 1000).toFixed(1);
  console.log(complete ? `Deployed: ${deploy.role}'s ${deploy.replaced.length} process${deploy.replaced.length === 1 ? '' : 'es'} replaced one at a time in ${total} s.` : `Deploy stopped: see the lab's output (npm start) for why.`);
  return complete ? 0 : 1;
}

function parseCliArgs(args: string[], usage: string): string | undefined {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true }));
  } catch (error) {
    throw usageError((error as Error).message, usage);
  }
  if (positionals.length > 1) throw usageError('Deploy one role at a time.', usage);
  return positionals[0];
}
