/**
 * Scenario 4's first step: a recorded load-test run, served by one instance, that was slow
 * because that instance was full: its event loop busy nearly all the run (what the run recorded
 * from the instance's own metrics). The line also says how busy the machine's cores were: the
 * lesson is the cores left over.
 *
 * Older runs, or runs whose instance could not be read, carry no usage: they count as before
 * (slow on one instance is enough).
 */
import type { RunRecord, ScenarioStep } from '../../../lab/sdk.js';
import { failed, judgeSlownessReproduced, WHOLE_MIX } from '../../../lab/sdk.js';
import { APP_ROLE } from './fleet-probe.js';
import { HINTS } from './hints.js';
import { ranOnOneInstance } from './runs.js';
import scenario from './scenario.js';

/** An event loop busy this share of a run or more is full: it had no time for anything else. */
export const FULL_EVENT_LOOP = 0.8;

/** The instance that served a run, with how busy it was; undefined when the run recorded no usage for it. */
function servingInstance(run: RunRecord): { name: string; eventLoopBusy: number; cpuCores: number | null } | undefined {
  const instances = Object.entries(run.usage?.processes ?? {})
    .filter(([name, used]) => name.startsWith(`${APP_ROLE}-`) && used.eventLoopBusy !== null)
    .map(([name, used]) => ({ name, eventLoopBusy: used.eventLoopBusy!, cpuCores: used.cpuCores }));
  return instances.sort((a, b) => b.eventLoopBusy - a.eventLoopBusy)[0];
}

/** "app-1's event loop was busy 98% of the run (0.97 cores of CPU); the machine used 1.2 of its 2 cores". */
export function describeUsage(run: RunRecord): string | undefined {
  const instance = servingInstance(run);
  const machine = run.usage?.machine;
  if (!instance || !machine) return undefined;
  const cpu = instance.cpuCores === null ? '' : ` (${instance.cpuCores.toFixed(2)} cores of CPU)`;
  const idle = machine.cores - machine.busyCores;
  const cores =
    machine.cores === 1
      ? 'this machine has one core, so there was none to spare'
      : idle >= 0.5
        ? `the machine used ${machine.busyCores.toFixed(1)} of its ${machine.cores} cores: ${idle.toFixed(1)} sat idle`
        : `the machine used ${machine.busyCores.toFixed(1)} of its ${machine.cores} cores: other programs were busy too`;
  return `${instance.name}'s event loop was busy ${Math.round(instance.eventLoopBusy * 100)}% of the run${cpu}; ${cores}`;
}

/** true: full; false: measured and not full; undefined: not measured. */
function instanceWasFull(run: RunRecord): boolean | undefined {
  const instance = servingInstance(run);
  return instance === undefined ? undefined : instance.eventLoopBusy >= FULL_EVENT_LOOP;
}

export const reproduceFullStep: ScenarioStep = {
  id: 'reproduce',
  title: 'Reproduce it: one instance is full while the machine has cores to spare',
  required: true,
  hints: HINTS.reproduce,
  needs: [],
  async check({ runs }) {
    // As the generic judge counts them: runs of the whole mix that were not green.
    const slow = runs.filter((run) => run.summary.route === WHOLE_MIX && run.verdict !== 'green');
    const slowOnOne = slow.filter(ranOnOneInstance);
    const full = slowOnOne.filter((run) => instanceWasFull(run) !== false);
    if (slow.length > 0 && slowOnOne.length === 0) {
      const run = slow[0]!;
      return failed(
        `run "${run.label}" was slow, but more than one instance served it: a slow run of several instances is another lesson`,
        'this step needs a run on one instance, as shipped: `npm run scale -- app 1`, then `npm run loadtest` with the dashboard open',
      );
    }
    if (slowOnOne.length > 0 && full.length === 0) {
      const run = slowOnOne[0]!;
      const instance = servingInstance(run)!;
      return failed(
        `run "${run.label}" was slow, but ${instance.name}'s event loop was busy only ${Math.round(instance.eventLoopBusy * 100)}% of it: ` +
          'the instance had time to spare, so the requests waited somewhere else',
        'this step needs a run where the one instance is full: close other busy programs, `npm run reset`, then `npm run loadtest` with the dashboard open',
      );
    }
    // The generic judge quotes the first slow run it prefers (here: a full one instance), else the first slow run.
    const verdict = judgeSlownessReproduced(scenario, runs, (run) => full.includes(run));
    const quoted = full[0];
    const usage = quoted && describeUsage(quoted);
    return verdict.status === 'passed' && usage ? { ...verdict, observed: `${verdict.observed}; ${usage}` } : verdict;
  },
};
