/** What a person reads: the live progress line while the load runs, and the summary after it. */
import type { RouteSummary, RunRecord, RunSummary, RunUsage } from '../runs/run-record.js';
import type { LoadProgress } from './generator.js';
import { count, duration, percent, perSecond, type Paint } from './figures.js';
import { describeRoute } from './mix.js';
import { failedRequests, littlesLawSeconds } from './summary.js';

export function liveLine(progress: LoadProgress, totalSeconds: number): string {
  const elapsed = Math.min(Math.round(progress.elapsedSeconds), totalSeconds);
  return [
    `${String(elapsed).padStart(String(totalSeconds).length)}/${totalSeconds} s`,
    `${count(progress.answersPerSecond)} req/s`,
    `ok ${count(progress.succeeded)}`,
    `failed ${count(progress.failed)}`,
    `p99 ${progress.succeeded + progress.failed > 0 ? duration(progress.p99Ms) : '—'}`,
  ].join(' │ ');
}

const VERDICT_TEXT = {
  red: { color: 'red', title: 'RED — failing' },
  amber: { color: 'yellow', title: 'AMBER — no errors, but slow' },
  green: { color: 'green', title: 'GREEN — healthy' },
} as const;

/** "200 users", or "40 requests/s" for a run sent at a rate. */
export function load(summary: Pick<RunSummary, 'users' | 'ratePerSecond'>): string {
  return summary.ratePerSecond !== undefined ? `${summary.ratePerSecond} requests/s` : `${summary.users} users`;
}

export function renderSummary(record: RunRecord, nextStep: string, requestTimeoutSeconds: number, paint: Paint): string {
  const { summary } = record;
  const failed = failedRequests(summary);
  const lines: string[] = [];
  const stoppedEarly = record.partial ? ' (stopped early: these numbers cover only that time)' : '';
  lines.push(paint('bold', `${load(summary)} on ${sent(summary)} for ${summary.durationSeconds} s${stoppedEarly}`), '');
  const inFlight = summary.inFlightAtEnd ? paint('dim', `  (+${count(summary.inFlightAtEnd)} still waiting at the end, not counted)`) : '';
  lines.push(`  requests        ${count(summary.totalRequests)}${inFlight}`);
  lines.push(`  succeeded       ${count(summary.succeeded)}  (${percent(summary.successRate)})`);
  lines.push(`  failed          ${paint(failed > 0 ? 'red' : 'green', count(failed))}`);
  if (failed > 0) {
    const top = summary.topServerError ? paint('dim', `  most said: "${summary.topServerError.message}" (${count(summary.topServerError.count)})`) : '';
    const cause = (name: string, value: number, note = '') => lines.push(`    ${name.padEnd(20)}${count(value)}${note}`);
    cause('HTTP 5xx', summary.failedHttp5xx, top);
    cause('other non-2xx', summary.failedOtherStatus);
    cause(`timeouts (>${requestTimeoutSeconds} s)`, summary.timeouts);
    cause('connection errors', summary.connectionErrors);
  }
  const latency = summary.latencyMs;
  lines.push(
    `  latency         avg ${duration(latency.avg)} · p50 ${duration(latency.p50)} · p95 ${duration(latency.p95)} · p99 ${duration(latency.p99)} · max ${duration(latency.max)}`,
  );
  lines.push(paint('dim', '                  (of answered requests, errors included; timeouts and connection errors have no answer to time)'));
  lines.push(`  throughput      ${perSecond(summary.requestsPerSecond)} answers/s`);
  if (record.usage) lines.push(...usageLines(record.usage, paint));
  if (summary.routes) lines.push('', ...routeLines(summary.routes, paint));
  const perRequest = littlesLawSeconds(summary);
  if (perRequest !== null) {
    lines.push(
      '',
      `  Little's law: ${summary.users} users ÷ ${perSecond(summary.requestsPerSecond)} req/s ≈ ${seconds(perRequest)} per request` +
        `  (measured mean: ${seconds(latency.avg / 1000)})`,
      paint('dim', littlesLawNote(summary, requestTimeoutSeconds)),
    );
  }
  const verdict = VERDICT_TEXT[record.verdict];
  lines.push('', `${paint(verdict.color, `● ${verdict.title}`)}  ${nextStep}`);
  return lines.join('\n');
}

/** Each process's CPU (and its event loop's busy share, where it publishes it), then the machine's busy cores. */
function usageLines(usage: RunUsage, paint: Paint): string[] {
  const processes = Object.entries(usage.processes).map(([name, used]) => {
    const cpu = used.cpuCores === null ? 'CPU unknown' : `${cores(used.cpuCores)}`;
    return used.eventLoopBusy === null ? `${name} ${cpu}` : `${name} ${cpu} (event loop busy ${Math.round(used.eventLoopBusy * 100)}%)`;
  });
  const { machine } = usage;
  return [
    `  CPU used        ${[...processes, `whole machine ${cores(machine.busyCores)} of ${machine.cores}`].join(' · ')}`,
    paint('dim', '                  (in cores: 1 is one core busy the whole run; a process that restarted during it is left out; the machine counts every program on it)'),
  ];
}

function cores(value: number): string {
  return `${value.toFixed(2)} core${value.toFixed(2) === '1.00' ? '' : 's'}`;
}

/** "GET /feed", "POST /orders", "a mix of 5 routes". */
function sent(summary: RunSummary): string {
  return summary.routes ? `a mix of ${summary.routes.length} routes` : `${summary.method ?? 'GET'} ${summary.route}`;
}

/** A small table: each route of a mix, its requests, failures, p50, p99 and answers per second. */
function routeLines(routes: RouteSummary[], paint: Paint): string[] {
  // Route names sit two spaces in from the heading; two more keep them off the numbers.
  const nameWidth = Math.max(...routes.map((route) => route.name.length + 2), 'by route'.length) + 2;
  const row = (name: string, cells: string[], what: string) => `  ${name.padEnd(nameWidth)}${cells.map((cell) => cell.padStart(10)).join('')}   ${what}`.trimEnd();
  return [
    row('by route', ['requests', 'failed', 'p50', 'p99', 'req/s'], ''),
    ...routes.map((route) => {
      const failed = failedRequests(route);
      return row(
        `  ${route.name}`,
        [count(route.totalRequests), paint(failed > 0 ? 'red' : 'green', count(failed).padStart(10)), duration(route.latencyMs.p50), duration(route.latencyMs.p99), perSecond(route.requestsPerSecond)],
        paint('dim', describeRoute(route)),
      );
    }),
  ];
}

/** Timed-out requests have no time in the mean: past a small share of them, the two figures cannot agree. */
const TIMEOUT_SHARE_THAT_SKEWS_THE_MEAN = 0.05;

function littlesLawNote(summary: RunRecord['summary'], requestTimeoutSeconds: number): string {
  const timedOut = `${count(summary.timeouts)} request${summary.timeouts === 1 ? '' : 's'} timed out (no answer within ${requestTimeoutSeconds} s)`;
  if (summary.timeouts > TIMEOUT_SHARE_THAT_SKEWS_THE_MEAN * summary.totalRequests) {
    return `  The two cannot agree here: ${timedOut}, and the mean times only answered requests. Requests waited longer than the load test allows.`;
  }
  const note = '  Every user waits for an answer before asking again, so the fewer answers per second, the longer each wait.';
  return summary.timeouts > 0 ? `${note}\n  ${timedOut}: they are not in the mean, which comes out a little lower for it.` : note;
}

function seconds(value: number): string {
  return value >= 10 ? `${value.toFixed(1)} s` : `${value.toFixed(value >= 1 ? 2 : 3)} s`;
}
