/**
 * Step "crash": an instance killed under load (SIGKILL, as a crash) costs at most a few requests,
 * none once the balancer has had two seconds to notice, and the instance is back in rotation
 * soon after it answers again. The check sends half the load test's rate through the balancer,
 * kills one instance a second in and starts it again at once (as a process manager does), keeps
 * sending for nine seconds more, and times how long the balancer takes to send it requests once
 * it answers. A login the dead instance had taken may fail; one the balancer sent to another
 * instance all the same (non_idempotent in proxy_next_upstream) hides the crash by running a
 * POST twice, and fails the step.
 */
import type { CheckFleet, FleetMember, ScenarioStep, StepVerdict } from '../../../lab/sdk.js';
import { failed, failedRequests, passed, until } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';
import { APP_ROLE, balancerRetries, instances, loadTestRate, plural, requestsByInstance, sendTraffic, withInstances } from './fleet-probe.js';

const KILL_AFTER_MS = 1_000;
const FIRST_SECONDS = 3;
/**
 * Sent once the balancer has had two seconds to notice the crash: nothing here may fail. Long
 * enough that the 1% is of a few hundred requests at least: the logins in flight when the
 * instance died are what fails, and on a busy machine there are several.
 */
const AFTER_SECONDS = 7;
/** At most this share of the requests may fail: the ones the instance held when it died. */
export const MOST_FAILED_SHARE = 0.01;
/**
 * How soon after it answers again a returned instance must get requests: a few active health
 * checks (1 s apart in the solution, 3.4 s seen on a machine with twice its cores' worth of work),
 * well under nginx's default fail_timeout of 10 s, counted from the crash, after which passive
 * checks alone try it again (7–9 s after it answers, with a restart that takes 1–3 s).
 */
export const BACK_WITHIN_SECONDS = 5;
const BACK_TIMEOUT_MS = 20_000;
const PROBE_MS = 200;

export interface CrashObservation {
  instances: number;
  killed: string;
  /** The requests sent while it died, and how many failed. */
  first: { requests: number; failed: number };
  /** The requests sent once the balancer had had time to notice. */
  after: { requests: number; failed: number };
  /** Seconds from the restarted instance answering to its first request through the balancer; undefined if none came. */
  backAfterSeconds?: number;
  /** POSTs an instance had taken that the balancer sent to another all the same: each may have run twice. */
  resent: number;
}

async function timeBackInRotation(fleet: CheckFleet, appUrl: string, name: string): Promise<number | undefined> {
  let answering: FleetMember | undefined;
  const answers = await until(async () => {
    const found = (await instances(fleet)).find((candidate) => candidate.name === name);
    const health = found ? await fetch(`http://127.0.0.1:${found.port}/health`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined) : undefined;
    answering = health?.ok ? found : undefined;
    return answering !== undefined;
  }, BACK_TIMEOUT_MS);
  if (!answers || !answering) return undefined;
  const returned = answering;
  const since = performance.now();
  const served = await until(async () => {
    // A few product pages through the balancer, then the instance's own count.
    await Promise.all(Array.from({ length: 4 }, () => fetch(`${appUrl}/products/1`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined)));
    return ((await requestsByInstance([returned])).get(name) ?? 0) > 0;
  }, BACK_TIMEOUT_MS, PROBE_MS);
  return served ? (performance.now() - since) / 1000 : undefined;
}

export async function observeCrash(fleet: CheckFleet, appUrl: string, adminDatabaseUrl: string): Promise<CrashObservation> {
  const count = Math.max(2, (await instances(fleet)).length);
  return withInstances(fleet, count, async () => {
    const rate = Math.max(1, Math.round(loadTestRate() / 2));
    const retriesBefore = await balancerRetries(fleet);
    // Killed, then started again at once, as a process manager restarts a crashed process: the
    // count that runs is the count asked for, so scaling to it again starts the killed one.
    const crash = new Promise<{ name: string; back?: number }>((resolve, reject) => {
      setTimeout(() => {
        void (async () => {
          const { name } = await fleet.kill(APP_ROLE);
          void fleet.scale(APP_ROLE, count).catch(() => undefined);
          const back = await timeBackInRotation(fleet, appUrl, name);
          resolve({ name, ...(back !== undefined ? { back } : {}) });
        })().catch(reject);
      }, KILL_AFTER_MS);
    });
    const first = await sendTraffic(appUrl, adminDatabaseUrl, FIRST_SECONDS, rate);
    const after = await sendTraffic(appUrl, adminDatabaseUrl, AFTER_SECONDS, rate);
    const { name, back } = await crash;
    const retriesAfter = await balancerRetries(fleet);
    return {
      instances: count,
      resent: retriesAfter.resent - retriesBefore.resent,
      killed: name,
      first: { requests: first.totalRequests, failed: failedRequests(first) },
      after: { requests: after.totalRequests, failed: failedRequests(after) },
      ...(back !== undefined ? { backAfterSeconds: back } : {}),
    };
  });
}

export const crashStep: ScenarioStep = {
  id: 'crash',
  title: 'An instance crashes under load: a few requests at most fail, and it is back in rotation within seconds of returning',
  required: true,
  hints: HINTS.crash,
  needs: ['app', 'fleet'],
  async check({ appUrl, adminDatabaseUrl, fleet, sendLoad }) {
    const observation = await sendLoad(
      'crash',
      `The check sends half the load test's rate, kills an instance (SIGKILL) ${KILL_AFTER_MS / 1000} s in and starts it again, sends for ${FIRST_SECONDS - KILL_AFTER_MS / 1000 + AFTER_SECONDS} s more, and times the balancer taking it back`,
      () => observeCrash(fleet!, appUrl, adminDatabaseUrl),
    );
    return judgeCrash(observation);
  },
};

export function judgeCrash(o: CrashObservation): StepVerdict {
  const total = o.first.requests + o.after.requests;
  const failedAll = o.first.failed + o.after.failed;
  const back = o.backAfterSeconds === undefined ? `got no request in ${BACK_TIMEOUT_MS / 1000} s after it answered again` : `got requests ${o.backAfterSeconds.toFixed(1)} s after it answered again`;
  const observed = `${o.killed} killed with ${plural(o.instances, 'instance')} running: ${failedAll} of ${total.toLocaleString('en-US')} requests failed (${o.after.failed} of them ${FIRST_SECONDS - KILL_AFTER_MS / 1000}–${FIRST_SECONDS + AFTER_SECONDS - KILL_AFTER_MS / 1000} s after the crash); started again at once, it ${back}`;
  if (o.resent > 0) {
    return failed(
      `${observed}; the balancer sent ${plural(o.resent, 'login')} (POST) that the dead instance had taken to another instance`,
      'a POST that reached an instance may have done its work before the connection broke: sent again, it runs twice (here a second session; for an order or a payment, a second one). Take non_idempotent out of proxy_next_upstream: the few POSTs in flight at a crash may fail, and the client, which knows whether repeating is safe, retries',
    );
  }
  if (o.after.failed > 0) {
    return failed(
      observed,
      'requests still failed seconds after the crash: the balancer went on sending to an instance that was gone. Let it try a failed request on another instance and leave a failing one out (proxy_next_upstream, max_fails in balancer.conf)',
    );
  }
  if (failedAll > total * MOST_FAILED_SHARE) {
    return failed(observed, `more than ${MOST_FAILED_SHARE * 100}% failed: only the requests the instance held when it died should. Let the balancer try a failed request on another instance (proxy_next_upstream in balancer.conf)`);
  }
  if (o.backAfterSeconds === undefined || o.backAfterSeconds > BACK_WITHIN_SECONDS) {
    return failed(
      observed,
      `the balancer left the instance out long after it was back: with passive checks alone it tries a failed instance again only after fail_timeout. An active health check (health_check in balancer.conf) asks every instance's /health and brings it back within its interval`,
    );
  }
  return passed(observed);
}
