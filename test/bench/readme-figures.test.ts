/** README's performance figures and bench/results/latest.md come from the committed bench/results/latest.json. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderReadmeSummary, withReadmeSummary, type BenchResult } from '../../bench/report.js';
import { ROOT_DIR } from '../../lab/config.js';

const latest = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'bench', 'results', 'latest.json'), 'utf8')) as BenchResult;

describe('the committed benchmark figures', () => {
  it('are a full run, not a --quick smoke run', () => {
    expect(latest.quick).toBe(false);
    expect(latest.states.users).toBe(200);
  });

  it('appear in README.md exactly as npm run bench writes them', () => {
    const readme = fs.readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8');
    expect(withReadmeSummary(readme, renderReadmeSummary(latest))).toBe(readme);
    expect(readme).toContain(renderReadmeSummary(latest));
  });

  it('match the committed Markdown report', () => {
    expect(fs.readFileSync(path.join(ROOT_DIR, 'bench', 'results', 'latest.md'), 'utf8')).toBe(renderMarkdown(latest));
  });
});
