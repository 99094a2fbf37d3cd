/** Small formatters shared by the live line, the summary and the runs table. */

export type Color = 'red' | 'yellow' | 'green' | 'dim' | 'bold';
export type Paint = (color: Color, text: string) => string;

const ANSI: Record<Color, [number, number]> = { red: [31, 39], yellow: [33, 39], green: [32, 39], dim: [2, 22], bold: [1, 22] };

/** Colors only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function painter(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  const enabled = stream.isTTY === true && !env.NO_COLOR;
  return (color, text) => (enabled ? `\u001b[${ANSI[color][0]}m${text}\u001b[${ANSI[color][1]}m` : text);
}

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** 4.2 ms, 380 ms, 7.31 s, 12.4 s: precise where it matters, short where it does not. */
export function duration(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function percent(value: number): string {
  return `${value.toFixed(value === 100 || value === 0 ? 0 : 1)}%`;
}

export function perSecond(value: number): string {
  return value >= 100 ? count(value) : value.toFixed(1);
}

/** "14:05" in the machine's time zone (what the learner's clock shows), or "?" for a bad date. */
export function localTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '?';
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "2026-11-26 14:05" in the machine's time zone, or "?" for a bad date. */
export function localDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '?';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${localTime(iso)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
