/**
 * Scenario 4's own section of `npm run bench -- --scenario 4`: the solved app (solution/app.ts
 * with solution/fix.sql) at 1, 2, 3 and 4 instances behind the lab's built-in balancer
 * (lab/balancer/main.ts with solution/balancer.conf), sent the load test's traffic mix by its
 * users (a closed model: each waits for its answer before sending the next); then, at one
 * instance, what the balancer costs: its CPU per request beside the app's, and requests/s
 * through it against straight to the instance; and real nginx's CPU per request where nginx is
 * on the PATH.
 *
 * All four instances and the balancer start once; the balancer is given 1…4 of them through its
 * upstreams file, as the lab's fleet does when it scales. An instance left out gets no traffic.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchProcess, BenchSection, BenchSectionContext, RunSummary } from '../../../lab/sdk.js';
import { freePort, parsePrometheusText, shortRun, sizeForDraws, until, withClient } from '../../../lab/sdk.js';
import { nginxProgram, startNginx, type NginxBalancer } from './bench-nginx.js';
import { APP_ROLE, machineCores, MOST_INSTANCES, total } from './fleet-probe.js';
import scenario from './scenario.js';

const READY_TIMEOUT_MS = 60_000;
const BALANCER_METRICS = '/__balancer/metrics';
const BALANCER_STATUS = '/__balancer/status';

interface Window {
  warmUpSeconds: number;
  seconds: number;
}

/** One measured window: what the load generator saw and what the processes spent. */
export interface Measured {
  requestsPerSecond: number;
  p99Ms: number;
  /** Requests that did not succeed (errors, timeouts, non-2xx). */
  failed: number;
  /** The instances' CPU per request answered, in microseconds. */
  appMicrosPerRequest: number;
  /** The instances' CPU together, in cores busy on average. */
  appCoresBusy: number;
  /** The balancer's CPU per request it answered, in microseconds; null for a run straight to an instance. */
  balancerMicrosPerRequest: number | null;
}

/** The median of a few runs (by requests/s), with every run's requests/s so the noise shows. */
export interface MedianOfRuns extends Measured {
  runs: number[];
}

export interface ScalingRow extends MedianOfRuns {
  instances: number;
  /** Against one instance's median requests/s. */
  ratio: number;
}

interface Instance {
  name: string;
  port: number;
  process: BenchProcess;
}

type Samples = ReturnType<typeof parsePrometheusText>;

async function scrape(url: string): Promise<Samples> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return parsePrometheusText(await response.text());
}

async function answersOk(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
    (response) => response.ok,
    () => false,
  );
}

async function waitFor(what: string, ready: () => Promise<boolean>, process?: BenchProcess): Promise<void> {
  if (!(await until(ready, READY_TIMEOUT_MS))) {
    throw new Error(`${what} was not ready within ${READY_TIMEOUT_MS / 1000} s${process ? `:\n${process.output()}` : ''}`);
  }
}

/** CPU seconds and requests answered so far, for the instances given and the balancer (if any). */
async function countersOf(instances: Instance[], balancerPort?: number): Promise<{ appCpu: number; appRequests: number; balancerCpu: number; balancerRequests: number }> {
  let appCpu = 0;
  let appRequests = 0;
  for (const instance of instances) {
    const samples = await scrape(`http://127.0.0.1:${instance.port}/metrics`);
    appCpu += total(samples, 'process_cpu_seconds_total');
    appRequests += total(samples, 'http_requests_total');
  }
  if (balancerPort === undefined) return { appCpu, appRequests, balancerCpu: 0, balancerRequests: 0 };
  const samples = await scrape(`http://127.0.0.1:${balancerPort}${BALANCER_METRICS}`);
  return { appCpu, appRequests, balancerCpu: total(samples, 'process_cpu_seconds_total'), balancerRequests: total(samples, 'lab_balancer_requests_total') };
}

const micros = (seconds: number, requests: number) => (requests > 0 ? (seconds / requests) * 1e6 : 0);

/**
 * A warm-up, then the measured window, of the load test's users at `port`; `instances` are the
 * ones that answer, `balancerPort` the built-in balancer's when the traffic goes through it, and
 * `otherCpu` another balancer's CPU so far (nginx's) when it does not.
 */
async function measureAt(
  port: number,
  instances: Instance[],
  window: Window,
  users: number,
  adminUrl: string,
  balancerPort?: number,
  otherCpu?: () => number | undefined,
): Promise<Measured> {
  const url = `http://127.0.0.1:${port}`;
  const { mix, requestTimeoutSeconds } = scenario.loadTest;
  const size = await sizeForDraws(scenario, adminUrl);
  const run = (seconds: number): Promise<RunSummary> => shortRun(url, { routes: mix!, users, seconds, requestTimeoutSeconds, size });
  await run(window.warmUpSeconds);
  const before = await countersOf(instances, balancerPort);
  const otherBefore = otherCpu?.();
  const summary = await run(window.seconds);
  const after = await countersOf(instances, balancerPort);
  const otherAfter = otherCpu?.();
  const appRequests = after.appRequests - before.appRequests;
  let balancerMicrosPerRequest: number | null = null;
  if (balancerPort !== undefined) balancerMicrosPerRequest = micros(after.balancerCpu - before.balancerCpu, after.balancerRequests - before.balancerRequests);
  else if (otherBefore !== undefined && otherAfter !== undefined) balancerMicrosPerRequest = micros(otherAfter - otherBefore, summary.totalRequests);
  return {
    requestsPerSecond: summary.succeeded / summary.durationSeconds,
    p99Ms: summary.latencyMs.p99,
    failed: summary.totalRequests - summary.succeeded,
    appMicrosPerRequest: micros(after.appCpu - before.appCpu, appRequests),
    appCoresBusy: (after.appCpu - before.appCpu) / summary.durationSeconds,
    balancerMicrosPerRequest,
  };
}

/** The built-in balancer's view: its instances, and whether each is up. */
async function inRotation(balancerPort: number): Promise<{ name: string; up: boolean }[]> {
  const response = await fetch(`http://127.0.0.1:${balancerPort}${BALANCER_STATUS}`, { signal: AbortSignal.timeout(1_000) });
  return ((await response.json()) as { upstreams: { name: string; up: boolean }[] }).upstreams;
}

/** Gives the balancer `instances` (its upstreams file rewritten whole, as the lab does) and waits until it sends to each. */
async function route(balancerPort: number, upstreamsFile: string, instances: Instance[]): Promise<void> {
  const temporary = `${upstreamsFile}.new`;
  fs.writeFileSync(temporary, JSON.stringify({ upstreams: instances.map(({ name, port }) => ({ name, port })) }));
  fs.renameSync(temporary, upstreamsFile);
  const names = instances.map((instance) => instance.name).sort().join(',');
  await waitFor(`the balancer sending to ${names}`, async () => {
    const upstreams = await inRotation(balancerPort).catch(() => []);
    return upstreams.every((upstream) => upstream.up) && upstreams.map((upstream) => upstream.name).sort().join(',') === names;
  });
}

async function startInstances(context: BenchSectionContext, count: number): Promise<Instance[]> {
  const entry = path.join(context.scenarioDir, 'solution', 'app.ts');
  const instances: Instance[] = [];
  for (let i = 1; i <= count; i += 1) {
    const port = await freePort();
    const name = `${APP_ROLE}-${i}`;
    instances.push({ name, port, process: context.startProcess(entry, { DATABASE_URL: context.appUrl, PORT: String(port), LAB_PROCESS: name }) });
  }
  for (const instance of instances) await waitFor(instance.name, () => answersOk(`http://127.0.0.1:${instance.port}/health`), instance.process);
  return instances;
}

async function startBuiltInBalancer(context: BenchSectionContext, upstreamsFile: string): Promise<{ port: number; process: BenchProcess }> {
  const port = await freePort();
  const entry = path.join(context.scenarioDir, '..', '..', 'lab', 'balancer', 'main.ts');
  const process = context.startProcess(entry, {
    PORT: String(port),
    HOST: '127.0.0.1',
    LAB_UPSTREAMS_FILE: upstreamsFile,
    LAB_BALANCER_CONFIG: path.join(context.scenarioDir, 'solution', 'balancer.conf'),
  });
  await waitFor('the built-in balancer', () => answersOk(`http://127.0.0.1:${port}/__balancer/health`), process);
  return { port, process };
}

export interface ScalingFigures {
  cores: number;
  loadAverage: number[];
  loadAverageAtEnd: number[];
  users: number;
  warmUpSeconds: number;
  seconds: number;
  /** Each count and each path measured this many times, in alternating order; the tables show the median run. */
  rounds: number;
  rows: ScalingRow[];
  overhead: { direct: MedianOfRuns; builtIn: MedianOfRuns; nginx: (MedianOfRuns & { version: string }) | null; nginxNote: string | null };
}

const round = (n: number) => Math.round(n).toLocaleString('en-US');
const cores = (n: number) => n.toFixed(2);

const loads = (values: number[]) => values.map((n) => n.toFixed(2)).join(', ');
const runsOf = (m: MedianOfRuns) => m.runs.map(round).join(', ');

export function renderScaling(figures: ScalingFigures): string {
  const { rows, overhead } = figures;
  const most = rows.at(-1)?.instances ?? 1;
  const repeated = figures.rounds > 1 ? `, ${figures.rounds} times over in alternating order (1→${most}, ${most}→1, …); each row is the run of median requests/s, with every run's requests/s beside it` : '';
  const lines = [
    `The solved app (solution/app.ts + fix.sql) behind the built-in balancer (solution/balancer.conf: least_conn, keep-alive, health checks) on this machine's ${figures.cores} cores (os.availableParallelism(); load average ${loads(figures.loadAverage)} at the start, ${loads(figures.loadAverageAtEnd)} at the end). ${figures.users} users send the load test's mix (a login for every four product pages), each waiting for its answer: ${figures.warmUpSeconds} s of warm-up, then ${figures.seconds} s measured, at each count${repeated}. The load generator, PostgreSQL and the balancer share the same cores.`,
    '',
    "| instances | requests/s | × 1 instance | p99 | instances' CPU (cores busy) | app CPU per request | balancer CPU per request | failed | each run's requests/s |",
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.instances} | ${round(row.requestsPerSecond)} | ${row.ratio.toFixed(2)}× | ${round(row.p99Ms)} ms | ${cores(row.appCoresBusy)} | ${round(row.appMicrosPerRequest)} µs | ${round(row.balancerMicrosPerRequest ?? 0)} µs | ${row.failed} | ${runsOf(row)} |`,
    ),
    '',
    `Why ${figures.users} users: the load test's own, and enough that every instance always has requests waiting (${figures.users} ÷ ${most} = ${Math.floor(figures.users / most)} each at ${most} instances), so the instances' CPU, not the users, sets the rate. One instance cannot use more than one core; past ${figures.cores} instances the processes take turns on the same ${figures.cores} cores, with the balancer, PostgreSQL and the load generator. "Cores busy" below ${Math.min(most, figures.cores)} at the higher counts is CPU the instances did not get: other processes on the machine had it.`,
    '',
    "**The balancer's cost, at 1 instance.** The same users, straight to the instance and through each balancer: the balancer's CPU per request answered (its own process_cpu_seconds_total over lab_balancer_requests_total for the built-in one; the CPU time of nginx's master and worker, without the lab's sidecar that reads its access log, over the requests the load generator counted) beside the app's.",
    '',
    "| path | requests/s | p99 | app CPU per request | balancer CPU per request | balancer ÷ app | each run's requests/s |",
    '|---|---|---|---|---|---|---|',
    overheadRow('straight to the instance', overhead.direct),
    overheadRow('built-in balancer', overhead.builtIn),
    ...(overhead.nginx ? [overheadRow(`${overhead.nginx.version} (as --balancer nginx runs it: 1 worker, keepalive 16, its access log on)`, overhead.nginx)] : []),
  ];
  if (overhead.nginxNote) lines.push('', overhead.nginxNote);
  return lines.join('\n');
}

function overheadRow(name: string, m: MedianOfRuns): string {
  const share = m.balancerMicrosPerRequest === null || m.appMicrosPerRequest === 0 ? '–' : `${Math.round((m.balancerMicrosPerRequest / m.appMicrosPerRequest) * 100)}%`;
  const balancer = m.balancerMicrosPerRequest === null ? '–' : `${round(m.balancerMicrosPerRequest)} µs`;
  return `| ${name} | ${round(m.requestsPerSecond)} | ${round(m.p99Ms)} ms | ${round(m.appMicrosPerRequest)} µs | ${balancer} | ${share} | ${runsOf(m)} |`;
}

/** The run of median requests/s (the lower middle of an even count): its p99 and CPU go with it. */
export function medianRun<T extends { requestsPerSecond: number }>(runs: T[]): T {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Round r's order: forwards, then backwards, and so on, so that no count or path always runs first while the machine drifts. */
export function roundOrder<T>(items: T[], round: number): T[] {
  return round % 2 === 0 ? items : [...items].reverse();
}

const section: BenchSection = {
  title: 'Scaling out: requests/s at 1…4 instances behind the balancer, and what the balancer costs',
  async measure(context) {
    const window: Window = context.quick ? { warmUpSeconds: 1, seconds: 2 } : { warmUpSeconds: 2, seconds: 8 };
    const rounds = context.quick ? 1 : 3;
    const users = scenario.loadTest.users;
    const loadAverage = os.loadavg();
    await withClient(context.appUrl, 'bench', async (client) => {
      await client.query(fs.readFileSync(path.join(context.scenarioDir, 'solution', 'fix.sql'), 'utf8'));
    });
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scaling-'));
    const program = nginxProgram();
    let nginx: NginxBalancer | undefined;
    try {
      context.step(`starting ${MOST_INSTANCES} solved instances and the built-in balancer${program ? ', and nginx' : ''}`);
      const instances = await startInstances(context, MOST_INSTANCES);
      const one = instances.slice(0, 1);
      const upstreamsFile = path.join(folder, 'upstreams.json');
      fs.writeFileSync(upstreamsFile, JSON.stringify({ upstreams: one.map(({ name, port }) => ({ name, port })) }));
      const balancer = await startBuiltInBalancer(context, upstreamsFile);
      // Behind the same upstreams file as the built-in balancer: both send to the instances it lists.
      if (program) nginx = await startNginx(context, program, upstreamsFile, folder);

      const counts = Array.from({ length: MOST_INSTANCES }, (_, i) => i + 1);
      const scalingRuns = new Map<number, Measured[]>(counts.map((count) => [count, []]));
      for (let round = 0; round < rounds; round += 1) {
        for (const count of roundOrder(counts, round)) {
          context.step(`${rounds > 1 ? `round ${round + 1} of ${rounds}: ` : ''}${count} of ${MOST_INSTANCES} instances behind the balancer: ${users} users, ${window.warmUpSeconds} s + ${window.seconds} s`);
          const serving = instances.slice(0, count);
          await route(balancer.port, upstreamsFile, serving);
          scalingRuns.get(count)!.push(await measureAt(balancer.port, serving, window, users, context.adminUrl, balancer.port));
        }
      }
      const oneRate = medianRun(scalingRuns.get(1)!).requestsPerSecond;
      const rows: ScalingRow[] = counts.map((count) => {
        const runs = scalingRuns.get(count)!;
        const median = medianRun(runs);
        return { instances: count, ...median, ratio: median.requestsPerSecond / Math.max(oneRate, 1e-9), runs: runs.map((run) => run.requestsPerSecond) };
      });

      await route(balancer.port, upstreamsFile, one);
      type Path = 'direct' | 'builtIn' | 'nginx';
      const paths: Path[] = nginx ? ['direct', 'builtIn', 'nginx'] : ['direct', 'builtIn'];
      const pathRuns: Record<Path, Measured[]> = { direct: [], builtIn: [], nginx: [] };
      for (let round = 0; round < rounds; round += 1) {
        context.step(`${rounds > 1 ? `round ${round + 1} of ${rounds}: ` : ''}1 instance: straight to it, through the built-in balancer${nginx ? ', through nginx' : ''}`);
        for (const which of roundOrder(paths, round)) {
          if (which === 'direct') pathRuns.direct.push(await measureAt(one[0]!.port, one, window, users, context.adminUrl));
          else if (which === 'builtIn') pathRuns.builtIn.push(await measureAt(balancer.port, one, window, users, context.adminUrl, balancer.port));
          else pathRuns.nginx.push(await measureAt(nginx!.port, one, window, users, context.adminUrl, undefined, () => nginx!.cpuSeconds()));
        }
      }
      const withRuns = (runs: Measured[]) => ({ ...medianRun(runs), runs: runs.map((run) => run.requestsPerSecond) });
      let nginxNote: string | null = null;
      if (!nginx) nginxNote = 'nginx is not installed here, so its CPU per request was not measured.';
      else if (pathRuns.nginx.some((run) => run.balancerMicrosPerRequest === null)) nginxNote = "This system did not show nginx's CPU time, so its CPU per request is not shown.";

      const figures: ScalingFigures = {
        cores: machineCores(),
        loadAverage,
        loadAverageAtEnd: os.loadavg(),
        users,
        warmUpSeconds: window.warmUpSeconds,
        seconds: window.seconds,
        rounds,
        rows,
        overhead: {
          direct: withRuns(pathRuns.direct),
          builtIn: withRuns(pathRuns.builtIn),
          nginx: nginx ? { version: nginx.version, ...withRuns(pathRuns.nginx) } : null,
          nginxNote,
        },
      };
      return { markdown: renderScaling(figures), figures: figures as unknown as Record<string, unknown> };
    } finally {
      // nginx's files are in the folder: it stops first.
      await nginx?.process.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  },
};

export default section;
