/**
 * The benchmark's result: its shape, the goals it is judged against, and the Markdown
 * report README's performance section shows. Pure functions, so they are tested directly.
 */
import { failedRequests } from '../lab/loadtest/summary.js';
import type { RunSummary } from '../lab/runs/run-record.js';
import type { MachineInfo } from './machine.js';
import type { MetricsOverheadResult } from './sections/ceilings.js';
import { CPU_NOT_MEASURABLE, PGBENCH_CPU_NOT_MEASURABLE } from './sections/cpu.js';
import type { PgbenchResult } from './sections/pgbench.js';
import type { ScalingPoint } from './sections/scaling.js';
import type { ScenarioSectionResult } from './sections/scenario-section.js';
import type { StartupResult } from './sections/startup.js';
import type { StateRun, StatesResult } from './sections/states.js';

export interface BenchResult {
  /** The scenario's folder name: 01-connection-pools. */
  scenario: string;
  startedAt: string;
  totalSeconds: number;
  quick: boolean;
  machine: MachineInfo;
  /** The load test's goal for every route (loadTest.p99GoalMs). */
  p99GoalMs: number;
  /** The dataset's unit, as the growth section counts it ("posts"). */
  unit: string;
  /** The seeded dataset, by the names of its options. */
  dataset: Record<string, number>;
  startup: StartupResult;
  states: StatesResult;
  pgbench: PgbenchResult | null;
  generatorCeilingRequestsPerSecond: number;
  /** Users of every load in this run (the load test's in a full run). */
  loadUsers: number;
  metricsOverhead: MetricsOverheadResult;
  /** The metrics' cost per request measured in-process (no network, no database). */
  metricsCost: { withMicros: number; withoutMicros: number; costMicros: number };
  scaling: ScalingPoint[];
  /** The scenario's own section (its definition's bench.section), or null without one. */
  own: ScenarioSectionResult | null;
  notes: string[];
}

export interface Goal {
  name: string;
  target: string;
  measured: string;
  /** null: could not be measured in this run (the reason is in the notes). */
  met: boolean | null;
}

export function evaluateGoals(result: BenchResult): Goal[] {
  const solved = solvedRun(result).summary;
  const fixed = solved.requestsPerSecond;
  const efficiency = result.pgbench ? fixed / result.pgbench.transactionsPerSecond : null;
  const generatorRatio = fixed > 0 ? result.generatorCeilingRequestsPerSecond / fixed : null;
  const worst = [solved, ...(solved.routes ?? [])];
  const failed = worst.reduce((sum, outcomes) => Math.max(sum, failedRequests(outcomes)), 0);
  const p99 = Math.max(...worst.map((outcomes) => outcomes.latencyMs.p99));
  return [
    {
      name: `Solved (${solvedRun(result).name}) meets the load test's goal${solved.routes ? ' on every route' : ''}`,
      target: `0 failed, p99 < ${result.p99GoalMs / 1000} s`,
      measured: `${fmt(failedRequests(solved), 0)} failed, ${solved.routes ? 'worst route ' : ''}p99 ${fmt(p99, 0)} ms`,
      met: failed === 0 && p99 < result.p99GoalMs,
    },
    { name: 'Cold start to ready', target: '≤ 20 s', measured: `${fmt(result.startup.coldSeconds, 1)} s`, met: result.startup.coldSeconds <= 20 },
    { name: 'Warm start to ready', target: '≤ 5 s', measured: `${fmt(result.startup.warmSeconds, 1)} s`, met: result.startup.warmSeconds <= 5 },
    {
      name: 'Seed rate',
      target: '≥ 200,000 rows/s',
      measured: result.startup.seedRowsPerSecond === null ? 'n/a' : `${fmt(result.startup.seedRowsPerSecond, 0)} rows/s`,
      met: result.startup.seedRowsPerSecond === null ? null : result.startup.seedRowsPerSecond >= 200_000,
    },
    {
      name: 'Fixed app vs database ceiling (pgbench)',
      target: '≥ 60%',
      measured: efficiency === null ? 'n/a' : `${fmt(efficiency * 100, 0)}% (${fmt(fixed, 0)} req/s ÷ ${fmt(result.pgbench!.transactionsPerSecond, 0)} TPS)`,
      met: efficiency === null ? null : efficiency >= 0.6,
    },
    {
      name: 'Load generator vs fixed app',
      target: '≥ 3×',
      measured: generatorRatio === null ? 'n/a' : `${fmt(generatorRatio, 1)}× (${fmt(result.generatorCeilingRequestsPerSecond, 0)} ÷ ${fmt(fixed, 0)} req/s)`,
      met: generatorRatio === null ? null : generatorRatio >= 3,
    },
    metricsGoal(result),
  ];
}

/**
 * The metrics' share of the app's own CPU per request, from the in-process cost and the CPU
 * the app spent per request under load; the loopback A/B runs are shown beside it, but on a
 * busy 2-core machine their noise (±5%) is as large as the goal.
 */
function metricsGoal(result: BenchResult): Goal {
  const appMicros = result.states.solvedCpu?.appMicros;
  const ab = `A/B runs: ${fmt(result.metricsOverhead.onRequestsPerSecond, 0)} vs ${fmt(result.metricsOverhead.offRequestsPerSecond, 0)} req/s, ${fmt(result.metricsOverhead.lossPercent, 1)}%`;
  if (!appMicros) {
    return { name: 'Request metrics overhead', target: '≤ 5%', measured: ab, met: result.metricsOverhead.lossPercent <= 5 };
  }
  const share = (result.metricsCost.costMicros / appMicros) * 100;
  return {
    name: 'Request metrics overhead',
    target: '≤ 5%',
    measured: `${fmt(share, 1)}% of the app's CPU (${fmt(result.metricsCost.costMicros, 1)} of ${fmt(appMicros, 0)} µs per request); ${ab}`,
    met: share <= 5,
  };
}

export function renderMarkdown(result: BenchResult): string {
  const goals = evaluateGoals(result);
  const first = result.states.runs[0]!.summary;
  const solved = solvedRun(result);
  const lines = [
    `# Benchmark report: ${result.scenario}`,
    '',
    `Measured ${result.startedAt.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\`${result.quick ? ' (--quick: a short smoke run, not for comparison)' : ''} in ${fmt(result.totalSeconds, 0)} s,`,
    `on ${result.machine.cpuModel}, ${result.machine.cores} cores, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, ${result.machine.platform}${loadNote(result.machine)}.`,
    `Data: ${Object.entries(result.dataset).map(([name, value]) => `${fmt(value, 0)} ${name}`).join(', ')}${!result.quick && result.startup.calibratedSize ? ", the size this machine's first start chose" : ''}. All load on 127.0.0.1.`,
    '',
    '## Goals',
    '',
    '| goal | target | measured | |',
    '|---|---|---|---|',
    ...goals.map((goal) => `| ${goal.name} | ${goal.target} | ${goal.measured} | ${goal.met === null ? '–' : goal.met ? '✔' : '✘'} |`),
    '',
    `## The states (${result.states.users} users × ${result.states.seconds} s each, one after another)`,
    '',
    ...statesTable(result.states),
    '',
    `Solved vs as shipped: ${ratio(solved.summary.requestsPerSecond, first.requestsPerSecond)} the throughput, p99 ${ratio(first.latencyMs.p99, solved.summary.latencyMs.p99)} lower.`,
    ...routesSection(result),
    '',
    '## Ceilings',
    '',
    `- Database (pgbench, the hottest query, solved): ${result.pgbench ? `${fmt(result.pgbench.transactionsPerSecond, 0)} TPS with ${result.pgbench.clients} clients for ${result.pgbench.seconds} s` : 'not measured'}`,
    `- Load generator (${result.loadUsers} users on a no-work server): ${fmt(result.generatorCeilingRequestsPerSecond, 0)} req/s`,
    `- Request metrics in-process (a do-nothing route through Fastify's inject): ${fmt(result.metricsCost.withMicros, 1)} µs with, ${fmt(result.metricsCost.withoutMicros, 1)} µs without: ${fmt(result.metricsCost.costMicros, 1)} µs per request`,
    `- Metrics on / off (solved app, medians of alternating runs): ${fmt(result.metricsOverhead.onRequestsPerSecond, 0)} / ${fmt(result.metricsOverhead.offRequestsPerSecond, 0)} req/s; runs on ${result.metricsOverhead.onRuns.map((v) => fmt(v, 0)).join(', ')}; off ${result.metricsOverhead.offRuns.map((v) => fmt(v, 0)).join(', ')}`,
    '',
    ...(result.scaling.length > 0
      ? [
          `## The hottest query as the ${result.unit} grow (EXPLAIN ANALYZE execution time, median of 3)`,
          '',
          `| ${result.unit} | as shipped | solved | ratio |`,
          '|---|---|---|---|',
          ...result.scaling.map((point) => `| ${fmt(point.size, 0)} | ${fmt(point.shippedMs, 1)} ms | ${fmt(point.solvedMs, 2)} ms | ${ratio(point.shippedMs, point.solvedMs)} |`),
          '',
        ]
      : []),
    '## Start-up',
    '',
    `Cold (empty state folder: initdb, schema, seed, calibration): ${fmt(result.startup.coldSeconds, 1)} s. Warm: ${fmt(result.startup.warmSeconds, 1)} s.`,
    result.startup.calibration ? `Calibration said: ${result.startup.calibration}` : '',
  ];
  lines.push(...cpuSection(result));
  if (result.own) lines.push('', `## ${result.own.title}`, '', result.own.markdown.trimEnd());
  if (result.notes.length > 0) lines.push('', '## Notes', '', ...result.notes.map((note) => `- ${note}`));
  return `${lines.filter((line, index, all) => !(line === '' && all[index - 1] === '')).join('\n')}\n`;
}

/**
 * Where the CPU went in the solved run and in pgbench, per request: the numbers that
 * say whether the fixed app is held back by the database or by everything around it.
 */
export function cpuSection(result: BenchResult): string[] {
  const cpu = result.states.solvedCpu;
  if (!cpu) return ['', '## Where the CPU goes', '', CPU_NOT_MEASURABLE];
  const perRequest = cpu.appMicros + cpu.postgresMicros + cpu.generatorMicros;
  const cores = result.machine.cores;
  const bound = perRequest > 0 ? (cores * 1e6) / perRequest : 0;
  const lines = [
    '',
    `## Where the CPU goes (${solvedRun(result).name} run, per answered request)`,
    '',
    '| process | CPU per request | share |',
    '|---|---|---|',
    `| the app (Node.js: HTTP, JSON, pg protocol) | ${fmt(cpu.appMicros, 0)} µs | ${fmt((cpu.appMicros / perRequest) * 100, 0)}% |`,
    `| PostgreSQL (all its processes) | ${fmt(cpu.postgresMicros, 0)} µs | ${fmt((cpu.postgresMicros / perRequest) * 100, 0)}% |`,
    `| the load generator (autocannon) | ${fmt(cpu.generatorMicros, 0)} µs | ${fmt((cpu.generatorMicros / perRequest) * 100, 0)}% |`,
    '',
    `Together ${fmt(perRequest, 0)} µs per request, with ${fmt(cpu.coresBusy, 2)} of ${cores} cores busy: ${cores} cores ÷ ${fmt(perRequest, 0)} µs bounds this machine at about ${fmt(bound, 0)} req/s; measured ${fmt(solvedRun(result).summary.requestsPerSecond, 0)}.`,
  ];
  const pgbench = result.pgbench;
  if (pgbench?.postgresMicrosPerTransaction != null && pgbench.clientMicrosPerTransaction != null) {
    lines.push(
      `pgbench spends ${fmt(pgbench.postgresMicrosPerTransaction, 0)} µs of PostgreSQL CPU and ${fmt(pgbench.clientMicrosPerTransaction, 0)} µs of client CPU per query. ` +
        `The app's run spends ${fmt(cpu.postgresMicros, 0)} µs in PostgreSQL per request but ${fmt(cpu.appMicros + cpu.generatorMicros, 0)} µs in the app and the generator, on the same cores: ` +
        'when the fixed app reaches only a fraction of pgbench\'s rate, this is where the difference goes — the HTTP layer around the query, not the database.',
    );
  } else if (pgbench) {
    lines.push(PGBENCH_CPU_NOT_MEASURABLE);
  }
  return lines;
}

export const README_BLOCK_START = '<!-- bench:start (written by npm run bench; do not edit by hand) -->';
export const README_BLOCK_END = '<!-- bench:end -->';

/** The figures README's performance section shows, from the latest full run. */
export function renderReadmeSummary(result: BenchResult): string {
  const biggest = result.scaling.at(-1);
  return [
    README_BLOCK_START,
    `Latest run: ${result.startedAt.slice(0, 10)}, ${result.machine.cpuModel}, ${result.machine.cores} cores, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}; ${fmt(result.dataset[result.unit] ?? 0, 0)} ${result.unit}; ${result.states.users} users × ${result.states.seconds} s per state.`,
    '',
    ...statesTable(result.states),
    '',
    `Start-up: cold ${fmt(result.startup.coldSeconds, 1)} s, warm ${fmt(result.startup.warmSeconds, 1)} s. ` +
      (biggest ? `The hottest query at ${fmt(biggest.size, 0)} ${result.unit}: ${fmt(biggest.shippedMs, 1)} ms as shipped, ${fmt(biggest.solvedMs, 2)} ms solved. ` : '') +
      `Every goal, the ceilings and where the CPU goes: [${resultsLink(result)}](${resultsLink(result)}).`,
    README_BLOCK_END,
  ].join('\n');
}

/**
 * README's text with its benchmark block replaced by this scenario's summary; unchanged when it
 * has no block, or when its block shows another scenario's results (it links to their report).
 */
export function withReadmeSummary(readme: string, summary: string): string {
  const start = readme.indexOf(README_BLOCK_START);
  const end = readme.indexOf(README_BLOCK_END);
  if (start < 0 || end < start) return readme;
  const link = summary.match(/\]\((bench\/results\/[^)]+)\)/)?.[1];
  if (link !== undefined && !readme.slice(start, end).includes(`(${link})`)) return readme;
  return readme.slice(0, start) + summary + readme.slice(end + README_BLOCK_END.length);
}

function resultsLink(result: BenchResult): string {
  return `bench/results/${result.scenario}/latest.md`;
}

/** The last state: everything fixed. */
function solvedRun(result: BenchResult): StateRun {
  return result.states.runs.at(-1)!;
}

function statesTable(states: StatesResult): string[] {
  return ['| state | success | p50 | p99 | req/s | failed |', '|---|---|---|---|---|---|', ...states.runs.map((run) => stateRow(run.name, run.summary))];
}

/** Each route of the mix in each state: which page each fix helps. Nothing when the load went to one route. */
function routesSection(result: BenchResult): string[] {
  if (!result.states.runs.some((run) => run.summary.routes)) return [];
  return [
    '',
    `### Per route (green: no failed request and p99 under ${result.p99GoalMs / 1000} s)`,
    '',
    '| state | route | success | p50 | p99 | req/s | failed | |',
    '|---|---|---|---|---|---|---|---|',
    ...result.states.runs.flatMap((run) =>
      (run.summary.routes ?? []).map((route) => {
        const green = failedRequests(route) === 0 && route.latencyMs.p99 < result.p99GoalMs;
        return `| ${run.name} | ${route.name} | ${fmt(route.successRate, 1)}% | ${ms(route.latencyMs.p50)} | ${ms(route.latencyMs.p99)} | ${fmt(route.requestsPerSecond, 0)} | ${fmt(failedRequests(route), 0)} | ${green ? '✔' : '✘'} |`;
      }),
    ),
  ];
}

function loadNote(machine: MachineInfo): string {
  return machine.loadAverage ? `, load average ${machine.loadAverage.map((value) => fmt(value, 2)).join(' / ')} (1 / 5 / 15 min) at the start` : '';
}

function stateRow(name: string, summary: RunSummary): string {
  return `| ${name} | ${fmt(summary.successRate, 1)}% | ${ms(summary.latencyMs.p50)} | ${ms(summary.latencyMs.p99)} | ${fmt(summary.requestsPerSecond, 0)} | ${fmt(failedRequests(summary), 0)} |`;
}

function ms(value: number): string {
  return value >= 1_000 ? `${fmt(value / 1_000, 2)} s` : `${fmt(value, 0)} ms`;
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${fmt(a / b, 1)}×` : 'n/a';
}

function fmt(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
