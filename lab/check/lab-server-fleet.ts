/**
 * The fleet a check drives, through the running lab's server: the same routes `npm run scale`
 * and `npm run chaos -- kill` call, so a check changes the processes exactly as the learner can.
 */
import type { FleetDeploy, FleetKill, FleetMember } from '../lab-context.js';
import { askLabServer } from '../lab-server-client.js';
import type { CheckFleet } from '../scenario/steps.js';

/** Stopping a process may take its 5 s grace period; starting one is quick. */
const SCALE_TIMEOUT_MS = 60_000;
const ASK_TIMEOUT_MS = 10_000;
/** Each process in turn: its grace period, its start, and the balancer taking it back (30 s at most each). */
const DEPLOY_TIMEOUT_MS = 180_000;

export function labServerFleet(labPort: number): CheckFleet {
  return {
    async members() {
      const answer = await askLabServer<{ processes: FleetMember[] }>(labPort, '/api/fleet', {
        method: 'GET',
        timeoutMs: ASK_TIMEOUT_MS,
        failure: { code: 'FLEET_REFUSED', prefix: 'The lab server did not list its processes' },
      });
      return answer.processes;
    },
    async scale(role, count) {
      const answer = await askLabServer<{ processes: FleetMember[] }>(labPort, '/api/fleet/scale', {
        body: { role, count },
        timeoutMs: SCALE_TIMEOUT_MS,
        failure: { code: 'FLEET_REFUSED', prefix: `Could not scale ${role} to ${count}` },
      });
      return answer.processes;
    },
    kill(role) {
      return askLabServer<FleetKill>(labPort, '/api/chaos/kill', {
        body: { role },
        timeoutMs: ASK_TIMEOUT_MS,
        failure: { code: 'FLEET_REFUSED', prefix: `Could not kill a ${role} process` },
      });
    },
    deploy(role) {
      return askLabServer<FleetDeploy>(labPort, '/api/fleet/deploy', {
        body: { role },
        timeoutMs: DEPLOY_TIMEOUT_MS,
        failure: { code: 'FLEET_REFUSED', prefix: `Could not deploy ${role}` },
      });
    },
  };
}
