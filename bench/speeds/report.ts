/** The Markdown report of `npm run bench -- --slow`: every speed side by side, each goal ✔/✘. Pure. */
import type { MachineInfo } from '../machine.js';
import { evaluateSpeed, fmt, type SpeedResult } from './goals.js';

export interface SpeedsReport {
  startedAt: string;
  totalSeconds: number;
  machine: MachineInfo;
  results: SpeedResult[];
  notes: string[];
}

export function renderSpeedsMarkdown(report: SpeedsReport): string {
  const reference = report.results.find((result) => result.setting.id === 'both-cores') ?? report.results[0];
  const slowdown = (result: SpeedResult) =>
    reference && result.poolAloneAtDefault > 0 ? reference.poolAloneAtDefault / result.poolAloneAtDefault : null;
  const lines = [
    '# The lesson at three machine speeds',
    '',
    `Measured ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench -- --slow\` in ${fmt(report.totalSeconds, 0)} s,`,
    `on ${report.machine.cpuModel}, ${report.machine.cores} cores, Node ${report.machine.node}, ${report.machine.platform}. All load on 127.0.0.1.`,
    '',
    'Each speed starts as a learner\'s first `npm start` does: a fresh database with the default posts, the calibration',
    '(run twice, to see whether it decides the same), then the three states one after another under the load test\'s users.',
    'The slowdown is the pool-alone requests per second at the default size, both cores ÷ this speed.',
    '',
    '| speed | slowdown | calibration (two first starts) | posts | state | success | p50 | p99 | req/s | goal | |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const result of report.results) {
    const goals = evaluateSpeed(result);
    const factor = slowdown(result);
    const calibration = result.calibrations.map((rounds) => rounds.map((decision) => `${fmt(decision.measuredRequestsPerSecond, 0)} req/s → ${fmt(decision.size, 0)}`).join(', then ')).join(' / ');
    const states = [result.broken, result.poolOnly, result.poolAndIndex];
    goals.forEach((goal, index) => {
      const summary = states[index]!;
      const lead = index === 0 ? [result.setting.description, factor === null ? 'n/a' : `${fmt(factor, 1)}×`, calibration, fmt(result.posts, 0)] : ['', '', '', ''];
      lines.push(
        `| ${[...lead, goal.state, `${fmt(summary.successRate, 1)}%`, latency(summary.latencyMs.p50), latency(summary.latencyMs.p99), fmt(summary.requestsPerSecond, 0), `${goal.target}: ${goal.measured}`, goal.met ? '✔' : '✘'].join(' | ')} |`,
      );
    });
  }
  if (report.notes.length > 0) lines.push('', '## Notes', '', ...report.notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}

function latency(ms: number): string {
  return ms >= 1_000 ? `${fmt(ms / 1_000, 2)} s` : `${fmt(ms, 0)} ms`;
}
