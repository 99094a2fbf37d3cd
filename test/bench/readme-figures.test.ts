/** README's performance figures and each scenario's bench/results/<nn>-<name>/latest.md come from the committed latest.json beside it. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderReadmeSummary, withReadmeSummary, type BenchResult } from '../../bench/report.js';
import { ROOT_DIR } from '../../lab/config.js';

// The root README shows Scenario 1's figures.
const RESULTS = path.join(ROOT_DIR, 'bench', 'results', '01-connection-pools');
const latest = JSON.parse(fs.readFileSync(path.join(RESULTS, 'latest.json'), 'utf8')) as BenchResult;

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
    for (const folder of fs.readdirSync(path.join(ROOT_DIR, 'bench', 'results')).filter((name) => /^\d{2}-/.test(name))) {
      const result = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'bench', 'results', folder, 'latest.json'), 'utf8')) as BenchResult;
      expect(result.scenario).toBe(folder);
      expect(fs.readFileSync(path.join(ROOT_DIR, 'bench', 'results', folder, 'latest.md'), 'utf8')).toBe(renderMarkdown(result));
    }
  });
});
