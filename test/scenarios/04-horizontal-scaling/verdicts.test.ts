/**
 * Scenario 4's steps as `npm run check` and `npm run hint` read them, and their judgements on
 * fixed observations: each failing line says what was seen and teaches the next move; each
 * wrong fix a learner will try (more instances than cores, sticky sessions, a raised
 * max_connections, a close without leaving the rotation) gets its own line.
 */
import { describe, expect, it } from 'vitest';
import steps from '../../../scenarios/04-horizontal-scaling/machinery/steps.js';
import { judgeBudget } from '../../../scenarios/04-horizontal-scaling/machinery/step-budget.js';
import { judgeCrash } from '../../../scenarios/04-horizontal-scaling/machinery/step-crash.js';
import { judgeDeploy } from '../../../scenarios/04-horizontal-scaling/machinery/step-deploy.js';
import { judgeScaling, type Throughput } from '../../../scenarios/04-horizontal-scaling/machinery/step-scaled.js';
import { judgeSessions, type MeAnswer } from '../../../scenarios/04-horizontal-scaling/machinery/step-sessions.js';
import { reproduceFullStep } from '../../../scenarios/04-horizontal-scaling/machinery/step-reproduce.js';
import { WHOLE_MIX, type RunRecord } from '../../../lab/sdk.js';
import { runRecord } from '../../helpers/run-records.js';
import type { StepContext } from '../../../lab/scenario/steps.js';

const throughput = (instances: number, perSecond: number, shares: number[] = Array(instances).fill(1 / instances)): Throughput => ({
  instances,
  perSecond,
  shares: new Map(shares.map((share, index) => [`app-${index + 1}`, share])),
});
const answers = (servedBy: string[], status = 200): MeAnswer[] => servedBy.map((name) => ({ status, servedBy: name }));

describe("Scenario 4's steps", () => {
  it('are seven and all required, in the walkthrough\'s order', () => {
    expect(steps.map((step) => [step.id, step.required])).toEqual([
      ['reproduce', true],
      ['scaled', true],
      ['sessions', true],
      ['budget', true],
      ['crash', true],
      ['deploy', true],
      ['goal', true],
    ]);
  });

  it('each have three hints, and only the last gives the answer away', () => {
    for (const step of steps) expect(step.hints, step.id).toHaveLength(3);
    const hint = (id: string, level: number) => steps.find((step) => step.id === id)!.hints[level]!;
    expect(hint('sessions', 0)).not.toMatch(/PostgreSQL/);
    expect(hint('sessions', 2)).toMatch(/sessions table/);
    expect(hint('budget', 0)).not.toMatch(/34/);
    expect(hint('budget', 2)).toMatch(/Math\.floor\(34 \/ 4\)/);
    expect(hint('crash', 2)).toMatch(/health_check interval=1s/);
    expect(hint('deploy', 2)).toMatch(/app\.close\(\)/);
  });

  it('drive the fleet only where they say they need it', () => {
    expect(steps.filter((step) => step.needs.includes('fleet')).map((step) => step.id)).toEqual(['scaled', 'sessions', 'budget', 'crash', 'deploy']);
  });
});

/** A slow run of the whole mix on one instance, with how busy app-1's event loop was (undefined: the run recorded no usage). */
function slowRunOnOne(label: string, eventLoopBusy?: number, busyCores = 1.1): RunRecord {
  const run = runRecord({ label, summary: { route: WHOLE_MIX, users: 0, ratePerSecond: 320, latencyMs: { avg: 900, p50: 700, p95: 4_000, p99: 9_000, max: 10_000 } } });
  return {
    ...run,
    snapshot: { ...run.snapshot, oneInstance: true },
    ...(eventLoopBusy === undefined
      ? {}
      : { usage: { seconds: 20, processes: { 'app-1': { pid: 10, cpuCores: 0.97, eventLoopBusy }, balancer: { pid: 11, cpuCores: 0.1, eventLoopBusy: null } }, machine: { cores: 2, busyCores } } }),
  };
}
const reproduce = (runs: RunRecord[]) => reproduceFullStep.check({ runs } as unknown as StepContext);

describe('reproduce', () => {
  it('passes a slow run on one full instance, saying how busy it was and the cores left idle', async () => {
    const verdict = await reproduce([slowRunOnOne('1 instance', 0.98)]);
    expect(verdict.status).toBe('passed');
    expect(verdict.observed).toMatch(/^run "1 instance" .*p99 /);
    expect(verdict.observed).toMatch(/app-1's event loop was busy 98% of the run \(0\.97 cores of CPU\); the machine used 1\.1 of its 2 cores: 0\.9 sat idle$/);
  });

  it('says so when other programs kept the other cores busy, and still passes', async () => {
    const verdict = await reproduce([slowRunOnOne('1 instance', 0.99, 1.9)]);
    expect(verdict.status).toBe('passed');
    expect(verdict.observed).toMatch(/1\.9 of its 2 cores: other programs were busy too$/);
  });

  it('fails a slow run whose one instance had time to spare: the wait was elsewhere', async () => {
    const verdict = await reproduce([slowRunOnOne('1 instance', 0.35)]);
    expect(verdict.status).toBe('failed');
    expect(verdict.observed).toBe('run "1 instance" was slow, but app-1\'s event loop was busy only 35% of it: the instance had time to spare, so the requests waited somewhere else');
    expect(verdict.next).toMatch(/npm run loadtest/);
  });

  it('quotes the full run when an earlier slow run was not full', async () => {
    const verdict = await reproduce([slowRunOnOne('first', 0.3), slowRunOnOne('second', 0.95)]);
    expect(verdict.status).toBe('passed');
    expect(verdict.observed).toMatch(/^run "second"/);
  });

  it('counts a run that recorded no usage (an older run) as before', async () => {
    const verdict = await reproduce([slowRunOnOne('old run')]);
    expect(verdict).toMatchObject({ status: 'passed' });
    expect(verdict.observed).not.toMatch(/event loop/);
  });

  it('fails a slow run that several instances served: the step is about one', async () => {
    const several = slowRunOnOne('several instances', 0.99);
    const verdict = await reproduce([{ ...several, snapshot: { ...several.snapshot, oneInstance: false } }]);
    expect(verdict.status).toBe('failed');
    expect(verdict.observed).toBe('run "several instances" was slow, but more than one instance served it: a slow run of several instances is another lesson');
    expect(verdict.next).toMatch(/npm run scale -- app 1/);
  });

  it('fails with no slow run', async () => {
    expect(await reproduce([])).toMatchObject({ status: 'failed', observed: 'no load-test run of the whole mix is recorded yet' });
  });
});

describe('scaled', () => {
  it('fails one instance, naming the cores and the command', () => {
    const verdict = judgeScaling({ cores: 4, one: throughput(1, 0), now: throughput(1, 0) });
    expect(verdict.status).toBe('failed');
    expect(verdict.observed).toBe('1 instance of the app runs, and this machine has 4 cores');
    expect(verdict.next).toMatch(/npm run scale -- app 4/);
  });

  it('passes at the goal (1.4× on 2 cores, 1.5× on more) with fair shares, and says what instances past the cores added', () => {
    expect(judgeScaling({ cores: 2, one: throughput(1, 250), now: throughput(2, 400) })).toMatchObject({
      status: 'passed',
      observed: '1 instance answered 250 requests/s; your 2 answered 400 requests/s (1.60×), shared app-1 50%, app-2 50%; this machine has 2 cores',
    });
    expect(judgeScaling({ cores: 2, one: throughput(1, 250), now: throughput(2, 355) }).status).toBe('passed');
    expect(judgeScaling({ cores: 4, one: throughput(1, 250), now: throughput(4, 355) }).status).toBe('failed');
    const past = judgeScaling({ cores: 2, one: throughput(1, 250), now: throughput(4, 390), atCores: throughput(2, 400) });
    expect(past.status).toBe('passed');
    expect(past.observed).toBe('1 instance answered 250 requests/s; your 4 answered 390 requests/s (1.56×) (2 answered 400 requests/s, 1.60×), shared app-1 25%, app-2 25%, app-3 25%, app-4 25%; this machine has 2 cores');
    expect(past.next).toBe(
      "your 4 on 2 cores answered 0.97× what 2 did. Past one per core, processes take turns on the same cores, and each holds its own share of the database's connections: 2 is enough here",
    );
  });

  it('judges more instances than cores at the cores\' count: the extra processes only take turns', () => {
    const verdict = judgeScaling({ cores: 2, one: throughput(1, 250), now: throughput(4, 270), atCores: throughput(2, 400) });
    expect(verdict.status).toBe('passed');
    expect(verdict.next).toMatch(/^your 4 on 2 cores answered 0\.68× what 2 did/);
  });

  it('fails too little gain with a line about a busy machine, and an instance the balancer starves', () => {
    const little = judgeScaling({ cores: 2, one: throughput(1, 250), now: throughput(2, 300) });
    expect(little.status).toBe('failed');
    expect(little.next).toMatch(/at least 1\.4× what one does.*load average/);
    const starved = judgeScaling({ cores: 2, one: throughput(1, 250), now: throughput(2, 400, [0.9, 0.1]) });
    expect(starved.status).toBe('failed');
    expect(starved.next).toMatch(/^app-2 got less than half an even share/);
  });

  it('on one core, judges the shares alone and says why', () => {
    const verdict = judgeScaling({ cores: 1, one: throughput(1, 250), now: throughput(2, 240) });
    expect(verdict.status).toBe('passed');
    expect(verdict.observed).toMatch(/One core cannot answer more with more processes: this step cannot be measured here/);
  });
});

describe('sessions', () => {
  it('fails sessions one instance keeps: half the requests are "not logged in"', () => {
    const verdict = judgeSessions({
      instances: 2,
      loginStatus: 200,
      loginServedBy: 'app-1',
      before: [...answers(['app-1', 'app-1']), ...answers(['app-2', 'app-2'], 401)],
      afterDeploy: answers(['app-1', 'app-2', 'app-1', 'app-2'], 401),
    });
    expect(verdict.status).toBe('failed');
    expect(verdict.observed).toMatch(/^logged in on app-1, then GET \/me with its cookie: 2 of 4 answered 200/);
    expect(verdict.next).toMatch(/unknown to the others/);
  });

  it('fails sticky sessions at the deploy, naming the pinning', () => {
    const verdict = judgeSessions({
      instances: 2,
      loginStatus: 200,
      loginServedBy: 'app-2',
      before: answers(['app-2', 'app-2', 'app-2', 'app-2']),
      afterDeploy: answers(['app-2', 'app-2', 'app-2', 'app-2'], 401),
    });
    expect(verdict.status).toBe('failed');
    expect(verdict.next).toMatch(/^every request went to app-2: the balancer pins a customer to one instance \(sticky sessions\)\. the session lived in a process/);
  });

  it('passes sessions every instance reads, before and after the deploy', () => {
    const spread = answers(['app-1', 'app-2', 'app-1', 'app-2']);
    expect(judgeSessions({ instances: 2, loginStatus: 200, loginServedBy: 'app-1', before: spread, afterDeploy: spread })).toMatchObject({ status: 'passed', next: '' });
  });
});

describe('budget', () => {
  const base = { instances: 4, budget: 34, maxConnections: 40, reserved: 3, raised: false, logins: 200, failedLogins: 0, refused: false, p99Ms: 900 };

  it('passes a peak within the budget', () => {
    const verdict = judgeBudget({ ...base, peakAppConnections: 32 });
    expect(verdict.status).toBe('passed');
    expect(verdict.observed).toBe(
      '4 instances, 60 users logging in, the users table stalled for 2 s: the instances held 32 connections at the peak (their budget is 34: 40 allowed, 3 kept for superusers, 2 for the lab, 1 for your psql); all 200 logins answered (p99 900 ms)',
    );
  });

  it('fails refused logins, and a peak over the budget even when nothing failed', () => {
    const refused = judgeBudget({ ...base, peakAppConnections: 37, failedLogins: 120, refused: true });
    expect(refused.status).toBe('failed');
    expect(refused.observed).toMatch(/120 logins of 200 failed: PostgreSQL refused connections/);
    expect(refused.next).toMatch(/^each instance has its own pool, so 4 instances may open 4 × its size/);
    const over = judgeBudget({ ...base, peakAppConnections: 36 });
    expect(over.status).toBe('failed');
    expect(over.next).toMatch(/^nothing failed this time, but at such a peak a psql of yours, or the lab, is refused/);
  });

  it('names a raised max_connections as a bigger plan', () => {
    const verdict = judgeBudget({ ...base, raised: true, peakAppConnections: 60 });
    expect(verdict.status).toBe('failed');
    expect(verdict.next).toMatch(/max_connections was raised above the plan's 40/);
  });
});

describe('crash', () => {
  const base = { instances: 2, killed: 'app-2', first: { requests: 600, failed: 3 }, after: { requests: 400, failed: 0 }, resent: 0 };

  it('passes a few failures at the crash and a quick return', () => {
    const verdict = judgeCrash({ ...base, backAfterSeconds: 1.2 });
    expect(verdict.status).toBe('passed');
    expect(verdict.observed).toBe('app-2 killed with 2 instances running: 3 of 1,000 requests failed (0 of them 2–9 s after the crash); started again at once, it got requests 1.2 s after it answered again');
  });

  it('fails requests still failing after the balancer had time to notice, more than 1% failed, and a slow return', () => {
    expect(judgeCrash({ ...base, after: { requests: 400, failed: 200 }, backAfterSeconds: 1 }).next).toMatch(/went on sending to an instance that was gone/);
    expect(judgeCrash({ ...base, first: { requests: 600, failed: 30 }, backAfterSeconds: 1 }).next).toMatch(/more than 1% failed/);
    const passive = judgeCrash({ ...base, backAfterSeconds: 8.1 });
    expect(passive.status).toBe('failed');
    expect(passive.next).toMatch(/passive checks alone.*health_check in balancer\.conf/);
    expect(judgeCrash(base).observed).toMatch(/got no request in 20 s after it answered again/);
  });

  it('fails a balancer that hid the crash by sending the logins the dead instance had taken to another (non_idempotent)', () => {
    const verdict = judgeCrash({ ...base, first: { requests: 600, failed: 0 }, resent: 3, backAfterSeconds: 1.2 });
    expect(verdict.status).toBe('failed');
    expect(verdict.observed).toMatch(/0 of 1,000 requests failed .*; the balancer sent 3 logins \(POST\) that the dead instance had taken to another instance$/);
    expect(verdict.next).toMatch(/runs twice .*Take non_idempotent out of proxy_next_upstream/);
  });
});

describe('deploy', () => {
  const replaced = [
    { name: 'app-1', up: true, seconds: 4.1 },
    { name: 'app-2', up: true, seconds: 8.3 },
  ];

  it('passes nothing failed, cut or refused', () => {
    const verdict = judgeDeploy({ instances: 2, replaced, requests: 1_300, failed: 0, cut: 0, refused: 0 });
    expect(verdict.status).toBe('passed');
    expect(verdict.observed).toBe(
      '2 instances replaced one at a time in 12 s: 0 of 1,300 requests failed, and the balancer sent 0 requests to another instance: 0 that an instance had taken and broken off, 0 that one refused while still in rotation',
    );
  });

  it('fails an instance that ends with requests in flight, and one that closes without leaving the rotation', () => {
    const abrupt = judgeDeploy({ instances: 2, replaced, requests: 1_600, failed: 16, cut: 82, refused: 1 });
    expect(abrupt.status).toBe('failed');
    expect(abrupt.next).toMatch(/^on SIGTERM the process ended with requests in flight/);
    // A graceful close that does not leave the rotation first: nothing cut, but refused while still sent to.
    const closesAtOnce = judgeDeploy({ instances: 2, replaced, requests: 1_300, failed: 0, cut: 0, refused: 5 });
    expect(closesAtOnce.status).toBe('failed');
    expect(closesAtOnce.next).toMatch(/stopped listening while the balancer still sent to them.*Leave the rotation before closing/);
  });

  it('fails an instance that did not come back', () => {
    const verdict = judgeDeploy({ instances: 2, replaced: [{ name: 'app-1', up: false, seconds: 30 }], requests: 900, failed: 0, cut: 0, refused: 0 });
    expect(verdict.status).toBe('failed');
    expect(verdict.observed).toMatch(/app-1 did not come back$/);
  });
});
