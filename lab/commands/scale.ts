/** `npm run scale -- ROLE COUNT`: changes how many processes of a role the running lab runs. */
import { parseArgs } from 'node:util';
import { labNotRunning, usageError } from '../errors.js';
import { exitWithHelpIfAsked, usageOf } from '../command-help.js';
import type { FleetMember } from '../lab-context.js';
import { askLabServer } from '../lab-server-client.js';
import { readRunningLab } from '../lab-state.js';
import type { Lab } from '../lab.js';

/** Stopping a process may take its 5 s grace period; starting one is quick. */
const SCALE_TIMEOUT_MS = 60_000;

export async function run(lab: Lab, args: string[]): Promise<number> {
  exitWithHelpIfAsked(lab.scenario, lab.paths.scenario, 'scale', args);
  const usage = usageOf(lab.scenario, lab.paths.scenario, 'scale');
  const { role, count } = parseCliArgs(args, usage);
  const running = readRunningLab(lab.paths.labState);
  if (!running) throw labNotRunning('scale again');
  const { processes } = await askLabServer<{ processes: FleetMember[] }>(running.labPort, '/api/fleet/scale', {
    body: { role, count },
    timeoutMs: SCALE_TIMEOUT_MS,
    failure: { code: 'FLEET_REFUSED', prefix: 'Not scaled' },
  });
  const ofRole = processes.filter((member) => member.role === role);
  console.log(`${role}: ${ofRole.length} process${ofRole.length === 1 ? '' : 'es'} now.`);
  for (const member of processes) {
    const where = member.port === undefined ? '' : `  :${member.port}`;
    console.log(`  ${member.name.padEnd(12)} ${member.pid === undefined ? 'down' : `pid ${member.pid}`}${where}`);
  }
  return 0;
}

function parseCliArgs(args: string[], usage: string): { role: string; count: number } {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true }));
  } catch (error) {
    throw usageError((error as Error).message, usage);
  }
  const [role, raw, ...rest] = positionals;
  if (role === undefined || raw === undefined || rest.length > 0) throw usageError('Scale which role, to how many?', usage);
  if (!/^\d{1,4}$/.test(raw)) throw usageError(`${raw} is not a number of processes.`, usage);
  return { role, count: Number(raw) };
}
