/** The dashboard's band labels (client/band-labels.js), laid out on fixed bands: neighbours never overlap. */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Band { x: number; kind: 'loadtest' | 'check'; label: string }
type Layout = (bands: Band[], measure: (text: string) => number, rows: Record<string, number[]>, gap: number, right: number) => Array<{ y: number; text: string }>;

const source = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'client', 'band-labels.js'), 'utf8');
const context: { bandLabels?: { layoutBandLabels: Layout } } = {};
vm.runInNewContext(source, context);
const layout = context.bandLabels!.layoutBandLabels;

// 6 pixels a character: the widths of a monospaced font.
const measure = (text: string) => text.length * 6;
const ROWS = { loadtest: [14, 28], check: [42] };
const GAP = 6;
const RIGHT = 1_000;

/** Each label's [y, start, end], to compare the labels that share a row. */
function spans(bands: Band[]) {
  return layout(bands, measure, ROWS, GAP, RIGHT).map((label, index) => ({ y: label.y, text: label.text, start: bands[index]!.x, end: bands[index]!.x + measure(label.text) }));
}

function overlaps(bands: Band[]): boolean {
  const laid = spans(bands).filter((span) => span.text !== '');
  return laid.some((a, i) => laid.some((b, j) => i < j && a.y === b.y && a.start < b.end && b.start < a.end));
}

describe('band labels', () => {
  it('puts a label that the one before would hide on the second row, whole', () => {
    // "database drill" runs 84 px; the next run starts 40 px later.
    const bands: Band[] = [
      { x: 100, kind: 'loadtest', label: 'database drill' },
      { x: 140, kind: 'loadtest', label: 'pool of 10 + index' },
    ];
    expect(layout(bands, measure, ROWS, GAP, RIGHT)).toEqual([{ y: 14, text: 'database drill' }, { y: 28, text: 'pool of 10 + index' }]);
  });

  it('with three close runs, cuts the first label short rather than hide the third', () => {
    const bands: Band[] = [
      { x: 100, kind: 'loadtest', label: 'database drill' },
      { x: 130, kind: 'loadtest', label: 'pool of 10 + index' },
      { x: 160, kind: 'loadtest', label: 'broken' },
    ];
    expect(layout(bands, measure, ROWS, GAP, RIGHT).map((label) => label.text)).toEqual(['database…', 'pool of 10 + index', 'broken']);
    expect(overlaps(bands)).toBe(false);
  });

  it('never overlaps, however crowded, and keeps the check\'s bursts on their own row', () => {
    const bands: Band[] = Array.from({ length: 30 }, (_, index) => ({
      x: 50 + index * 17,
      kind: index % 4 === 3 ? 'check' : 'loadtest',
      label: index % 4 === 3 ? 'npm run check: fix 1' : `pool of ${index} + index`,
    }));
    expect(overlaps(bands)).toBe(false);
    const laid = spans(bands);
    expect(laid.filter((_, index) => bands[index]!.kind === 'check').every((span) => span.y === 42)).toBe(true);
    // A label is never cut to nothing while it has room for a few characters.
    expect(laid.filter((span) => span.text !== '').length).toBeGreaterThan(20);
  });

  it('cuts the last label at the chart\'s right edge', () => {
    expect(layout([{ x: 960, kind: 'loadtest', label: 'pool of 20+ (db full)' }], measure, ROWS, GAP, RIGHT)).toEqual([{ y: 14, text: 'pool…' }]);
  });
});
