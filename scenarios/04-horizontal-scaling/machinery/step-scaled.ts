/**
 * Step "scaled": the instances running now answer more than one instance can, and each does its
 * share. The check measures both on this machine, now: the load test's users (each waits for an
 * answer before sending the next, so they get what the instances can give) through the balancer
 * for a few seconds with one instance, then with the learner's count, and reads each instance's
 * own count of the requests it answered. With more instances than cores it measures at the
 * cores' count too, and judges the better of the two: the line shows what the extra processes add.
 *
 * Other programs on the machine only ever take throughput away, so a run that falls short is
 * measured once more (one instance, then the learner's count) and the best of each is compared.
 */
import type { CheckFleet, ScenarioStep, StepVerdict } from '../../../lab/sdk.js';
import { failed, passed } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';
import { APP_ROLE, instances, machineCores, plural, requestsByInstance, sendTraffic, withInstances } from './fleet-probe.js';

/** The first seconds of each count warm a new process's JIT up; the next ones are measured. */
const WARM_UP_SECONDS = 2;
const MEASURE_SECONDS = 4;
/**
 * What the learner's instances must answer together, at least, against one instance: 1.5×, or
 * 1.4× on 2 cores, where the balancer, PostgreSQL and the load generator share the instances'
 * two cores (1.57–1.73× measured there with the right fix and little else running).
 */
export function scalingGoal(cores: number): number {
  return cores <= 2 ? 1.4 : 1.5;
}
/** How many times each count is measured at most: a second round only when the first falls short. */
const ROUNDS = 2;
/** An instance answering less than this share of an even split is left out by the balancer. */
export const FAIR_SHARE = 0.5;

export interface Throughput {
  instances: number;
  perSecond: number;
  /** Each instance's part of the requests answered while measured (0..1), by name. */
  shares: Map<string, number>;
}

export interface ScalingObservation {
  cores: number;
  one: Throughput;
  now: Throughput;
  /** Measured only when the learner runs more instances than the machine has cores. */
  atCores?: Throughput;
}

/** The load test's users through the balancer, at the count running now: requests answered per second and each instance's share. */
async function measure(fleet: CheckFleet, appUrl: string, adminDatabaseUrl: string): Promise<Throughput> {
  await sendTraffic(appUrl, adminDatabaseUrl, WARM_UP_SECONDS);
  const members = await instances(fleet);
  const before = await requestsByInstance(members);
  const summary = await sendTraffic(appUrl, adminDatabaseUrl, MEASURE_SECONDS);
  const after = await requestsByInstance(members);
  const served = new Map(members.map((member) => [member.name, Math.max(0, (after.get(member.name) ?? 0) - (before.get(member.name) ?? 0))]));
  const all = [...served.values()].reduce((sum, n) => sum + n, 0);
  return {
    instances: members.length,
    perSecond: summary.succeeded / summary.durationSeconds,
    shares: new Map([...served].map(([name, n]) => [name, all === 0 ? 0 : n / all])),
  };
}

export const scaledStep: ScenarioStep = {
  id: 'scaled',
  title: "More instances answer more: one per core, each doing its share",
  required: true,
  hints: HINTS.scaled,
  needs: ['app', 'database', 'fleet'],
  async check({ appUrl, adminDatabaseUrl, fleet, sendLoad }) {
    const cores = machineCores();
    const running = (await instances(fleet!)).length;
    if (running < 2) return judgeScaling({ cores, one: { instances: running, perSecond: 0, shares: new Map() }, now: { instances: running, perSecond: 0, shares: new Map() } });
    const observation = await sendLoad(
      'scaling',
      `The check sends the load test's users through the balancer for ${WARM_UP_SECONDS + MEASURE_SECONDS} s with 1 instance, then with your ${running}${running > cores ? `, then with ${cores}` : ''}`,
      async (): Promise<ScalingObservation> => {
        let best: ScalingObservation | undefined;
        for (let round = 0; round < ROUNDS && (best === undefined || !meetsGoal(best)); round += 1) {
          const one = await withInstances(fleet!, 1, () => measure(fleet!, appUrl, adminDatabaseUrl));
          const now = await measure(fleet!, appUrl, adminDatabaseUrl);
          const atCores = running > cores && cores >= 2 ? await withInstances(fleet!, cores, () => measure(fleet!, appUrl, adminDatabaseUrl)) : undefined;
          best = bestOf(best, { cores, one, now, ...(atCores ? { atCores } : {}) });
        }
        return best!;
      },
    );
    return judgeScaling(observation);
  },
};

const perSecond = (t: Throughput) => `${Math.round(t.perSecond)} requests/s`;

/** The count judged: the learner's, or the cores' count when that answered more. */
function judged(o: ScalingObservation): Throughput {
  return o.atCores && o.atCores.perSecond > o.now.perSecond ? o.atCores : o.now;
}

function ratioOf(o: ScalingObservation): number {
  return judged(o).perSecond / Math.max(o.one.perSecond, 1e-9);
}

function meetsGoal(o: ScalingObservation): boolean {
  return o.cores < 2 || ratioOf(o) >= scalingGoal(o.cores);
}

/** Each count's better measurement of two rounds. */
function bestOf(a: ScalingObservation | undefined, b: ScalingObservation): ScalingObservation {
  if (!a) return b;
  const better = (x: Throughput, y: Throughput) => (y.perSecond > x.perSecond ? y : x);
  const atCores = a.atCores && b.atCores ? better(a.atCores, b.atCores) : (a.atCores ?? b.atCores);
  return { cores: b.cores, one: better(a.one, b.one), now: better(a.now, b.now), ...(atCores ? { atCores } : {}) };
}

export function judgeScaling(o: ScalingObservation): StepVerdict {
  const coresLine = `this machine has ${plural(o.cores, 'core')}`;
  if (o.now.instances < 2) {
    return failed(
      `${plural(o.now.instances, 'instance')} of the app runs, and ${coresLine}`,
      o.cores >= 2
        ? `one Node.js process runs its JavaScript on one core: run one per core, \`npm run scale -- ${APP_ROLE} ${Math.min(o.cores, 4)}\`, and look at the dashboard's CPU chart`
        : 'this machine has one core, so more processes only take turns on it; still, run 2 (`npm run scale -- app 2`) for the steps after this one: sessions, the budget, crashes and deploys need more than one instance',
    );
  }
  const ratio = o.now.perSecond / Math.max(o.one.perSecond, 1e-9);
  const shares = [...o.now.shares].map(([name, share]) => `${name} ${Math.round(share * 100)}%`).join(', ');
  const starved = [...o.now.shares].filter(([, share]) => share < FAIR_SHARE / o.now.instances).map(([name]) => name);
  const atCoresRatio = o.atCores ? o.atCores.perSecond / Math.max(o.one.perSecond, 1e-9) : undefined;
  const atCoresPart = o.atCores ? ` (${o.cores} answered ${perSecond(o.atCores)}, ${atCoresRatio!.toFixed(2)}×)` : '';
  const observed = `1 instance answered ${perSecond(o.one)}; your ${o.now.instances} answered ${perSecond(o.now)} (${ratio.toFixed(2)}×)${atCoresPart}, shared ${shares}; ${coresLine}`;
  const goal = scalingGoal(o.cores);
  if (starved.length > 0) {
    return failed(
      observed,
      `${starved.join(' and ')} got less than half an even share: the balancer is not spreading the requests. Look at balancer.conf (round robin or least_conn spread them; a hash on the client sends everything from one address, here 127.0.0.1, to one instance)`,
    );
  }
  if (o.cores < 2) {
    return passed(`${observed}. One core cannot answer more with more processes: this step cannot be measured here, and is judged on the share alone`);
  }
  if (ratioOf(o) < goal) {
    return failed(
      observed,
      `the instances together should answer at least ${goal}× what one does. Is something else busy on this machine (the load average, \`uptime\`)? Close what you can and check again; the dashboard's CPU chart shows whether each instance gets a core`,
    );
  }
  if (o.atCores) {
    const extra = o.now.perSecond / Math.max(o.atCores.perSecond, 1e-9);
    return passed(
      observed,
      `your ${o.now.instances} on ${plural(o.cores, 'core')} answered ${extra.toFixed(2)}× what ${o.cores} did. Past one per core, processes take turns on the same cores, and each holds its own share of the database's connections: ${o.cores} is enough here`,
    );
  }
  return passed(observed);
}
