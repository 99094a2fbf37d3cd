/** The root README's catalogue is the scenarios' definitions, row for row. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { scenarioFolders } from '../../lab/scenario/location.js';
import { loadDefinition } from '../../lab/lab.js';

const readme = fs.readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8');

describe('the catalogue in README.md', () => {
  it('has one row per scenario folder, as its definition describes it', async () => {
    const block = readme.slice(readme.indexOf('<!-- catalogue:start'), readme.indexOf('<!-- catalogue:end -->'));
    const rows = block.split('\n').filter((line) => /^\| \d+ \|/.test(line));
    const expected = await Promise.all(
      scenarioFolders().map(async (folder) => {
        const scenario = await loadDefinition(folder);
        const link = `[${scenario.title}](${path.relative(ROOT_DIR, folder)}/README.md)`;
        return `| ${scenario.number} | ${link} | ${scenario.concepts.join(', ')} | ${scenario.level} | about ${scenario.minutes} min | ${scenario.status} |`;
      }),
    );
    expect(rows).toEqual(expected);
  });

  it('numbers the scenario folders as their definitions do', async () => {
    for (const folder of scenarioFolders()) {
      expect(path.basename(folder).slice(0, 2)).toBe(String((await loadDefinition(folder)).number).padStart(2, '0'));
    }
  });
});
