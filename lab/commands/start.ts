/** Entry point of `npm start`. */
import { parseArgs } from 'node:util';
import { BALANCER_CHOICES, balancerKind, type BalancerKind } from '../balancer/kinds.js';
import { LabError } from '../errors.js';
import type { Lab } from '../lab.js';
import { exitWithHelpIfAsked, usageOf } from '../command-help.js';
import { runSupervisor } from '../supervisor/supervisor.js';

export async function run(lab: Lab, args: string[]): Promise<void> {
  exitWithHelpIfAsked(lab.scenario, lab.paths.scenario, 'start', args);
  const usage = `${usageOf(lab.scenario, lab.paths.scenario, 'start')}; npm start -- --help for more.`;
  let values: { 'restart-on-crash'?: boolean; balancer?: string };
  try {
    values = parseArgs({ args, options: { 'restart-on-crash': { type: 'boolean' }, balancer: { type: 'string' } }, strict: true }).values;
  } catch (error) {
    throw new LabError('USAGE', `${(error as Error).message}. ${usage}`);
  }
  let balancer: BalancerKind = lab.settings.balancer;
  if (values.balancer !== undefined) {
    const named = balancerKind(values.balancer);
    if (!named) throw new LabError('USAGE', `--balancer ${values.balancer} is not a balancer the lab runs; choose ${BALANCER_CHOICES}. ${usage}`);
    if (!lab.scenario.balancer) throw new LabError('USAGE', `--balancer: Scenario ${lab.scenario.number} runs no load balancer, so --balancer has nothing to choose; start without it.`);
    balancer = named;
  }
  // Exit explicitly once everything is stopped: the TypeScript loader keeps a helper process
  // referenced, and a supervisor that lingers after "Stopped" would look like a hang.
  process.exit(await runSupervisor(lab, { restartOnCrash: values['restart-on-crash'] === true, balancer }));
}
