/**
 * Step "deploy": a rolling restart under load (`npm run deploy`: each instance stopped with
 * SIGTERM and started again, one at a time) fails no request, cuts none that an instance had
 * taken, and has none refused by an instance the balancer still sent to. The check sends half the load test's rate through the balancer for as long as the
 * deploy takes, and reads the balancer's own count of the requests it had to send again because
 * an instance broke the connection with them in flight or refused it: a GET sent again hides
 * that, a POST (a login) that reached the instance cannot be sent again, so it fails.
 */
import type { CheckFleet, FleetDeploy, ScenarioStep, StepVerdict } from '../../../lab/sdk.js';
import { failed, failedRequests, passed } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';
import { APP_ROLE, balancerRetries, instances, loadTestRate, plural, sendTraffic, withInstances } from './fleet-probe.js';

/** Load sent in slices this long until the deploy is over (a load run cannot be lengthened once started). */
const SLICE_SECONDS = 2;

export interface DeployObservation {
  instances: number;
  replaced: FleetDeploy['replaced'];
  requests: number;
  failed: number;
  /** Requests an instance had taken and broke off, which the balancer sent to another. */
  cut: number;
  /** Requests an instance refused (it had stopped listening while still in rotation), which the balancer sent to another. */
  refused: number;
}

export async function observeDeploy(fleet: CheckFleet, appUrl: string, adminDatabaseUrl: string): Promise<DeployObservation> {
  const count = Math.max(2, (await instances(fleet)).length);
  return withInstances(fleet, count, async () => {
    const rate = Math.max(1, Math.round(loadTestRate() / 2));
    const retriesBefore = await balancerRetries(fleet);
    let deployed: FleetDeploy | undefined;
    let deployFailed: unknown;
    const deploy = fleet.deploy(APP_ROLE).then((result) => (deployed = result), (error: unknown) => (deployFailed = error));
    let requests = 0;
    let failedCount = 0;
    // Slices of load from before the first instance stops until after the last is back.
    do {
      const slice = await sendTraffic(appUrl, adminDatabaseUrl, SLICE_SECONDS, rate);
      requests += slice.totalRequests;
      failedCount += failedRequests(slice);
    } while (!deployed && deployFailed === undefined);
    await deploy;
    if (deployFailed !== undefined) throw deployFailed;
    const retriesAfter = await balancerRetries(fleet);
    return { instances: count, replaced: deployed!.replaced, requests, failed: failedCount, cut: retriesAfter.cut - retriesBefore.cut, refused: retriesAfter.refused - retriesBefore.refused };
  });
}

export const deployStep: ScenarioStep = {
  id: 'deploy',
  title: 'A rolling deploy under load: no request fails, none is cut off or refused',
  required: true,
  hints: HINTS.deploy,
  needs: ['app', 'fleet'],
  async check({ appUrl, adminDatabaseUrl, fleet, sendLoad }) {
    const observation = await sendLoad(
      'deploy',
      "The check sends half the load test's rate while `npm run deploy` replaces every instance, one at a time",
      () => observeDeploy(fleet!, appUrl, adminDatabaseUrl),
    );
    return judgeDeploy(observation);
  },
};

export function judgeDeploy(o: DeployObservation): StepVerdict {
  const notBack = o.replaced.filter((instance) => !instance.up).map((instance) => instance.name);
  const seconds = o.replaced.reduce((sum, instance) => sum + instance.seconds, 0);
  const observed =
    `${plural(o.instances, 'instance')} replaced one at a time in ${seconds.toFixed(0)} s: ${o.failed} of ${o.requests.toLocaleString('en-US')} requests failed, ` +
    `and the balancer sent ${plural(o.cut + o.refused, 'request')} to another instance: ${o.cut} that an instance had taken and broken off, ${o.refused} that one refused while still in rotation`;
  if (notBack.length > 0) {
    return failed(`${observed}; ${notBack.join(', ')} did not come back`, 'read its output in the npm start terminal: a replaced instance must start again and answer /health');
  }
  if (o.failed > 0 || o.cut > 0) {
    return failed(
      observed,
      'on SIGTERM the process ended with requests in flight, and the balancer kept sending to it until it was gone. Handle SIGTERM: leave the rotation first (fail /health while the balancer\'s checks notice), then stop taking connections, finish what is in flight, and exit',
    );
  }
  if (o.refused > 0) {
    return failed(
      observed,
      'the instances stopped listening while the balancer still sent to them: it sent those requests elsewhere this time, but a balancer set not to (proxy_next_upstream off) fails each one, and so do clients that connect directly. Leave the rotation before closing: fail /health for two of the balancer\'s checks (balancer.conf needs health_check), then close',
    );
  }
  return passed(observed);
}
