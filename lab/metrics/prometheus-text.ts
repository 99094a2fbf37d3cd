/**
 * A small reader for the Prometheus text exposition format (version 0.0.4), enough for the
 * dashboard to read the app's /metrics: one sample per line, `name{label="value",…} number`.
 * Comment lines (# HELP, # TYPE) are skipped; timestamps after the value are ignored.
 *
 * Why not a library: the one npm package for this (parse-prometheus-text-format) has no
 * types and no release in years; the subset needed here is a few dozen tested lines.
 */

export type Labels = Record<string, string>;

export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

/** Every sample in the text, in order. Throws on a line that is not a sample or a comment. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    samples.push(parseSampleLine(line));
  }
  return samples;
}

/** The sum of a metric's samples whose labels include `labels` (as PromQL's sum(name{…})); null when the text has no sample of that name. */
export function sumOf(samples: readonly Sample[], name: string, labels: Labels = {}): number | null {
  let found = false;
  let total = 0;
  for (const sample of samples) {
    if (sample.name !== name) continue;
    found = true;
    if (Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) total += sample.value;
  }
  return found ? total : null;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseSampleLine(line: string): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new Error(`not a metric sample: ${line}`);
  let rest = line.slice(name.length);
  const labels: Labels = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.trimStart();
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const labelName = LABEL_NAME.exec(rest)?.[0];
      if (!labelName || rest[labelName.length] !== '=' || rest[labelName.length + 1] !== '"') {
        throw new Error(`bad label in: ${line}`);
      }
      const [value, afterValue] = readQuoted(rest.slice(labelName.length + 2), line);
      labels[labelName] = value;
      rest = afterValue.trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1);
    }
  }
  const valueText = rest.trim().split(/\s+/)[0] ?? '';
  return { name, labels, value: parseValue(valueText, line) };
}

/** Reads a label value up to its closing quote; the format escapes only \\, \" and \n. */
function readQuoted(text: string, line: string): [string, string] {
  let value = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '"') return [value, text.slice(i + 1)];
    if (char === '\\') {
      const next = text[i + 1];
      value += next === 'n' ? '\n' : (next ?? '');
      i += 1;
    } else {
      value += char;
    }
  }
  throw new Error(`unterminated label value in: ${line}`);
}

/** Prometheus reads NaN and ±Inf in any letter case; prom-client writes "Nan". */
function parseValue(text: string, line: string): number {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`bad sample value in: ${line}`);
  return value;
}
