/**
 * The docs point at real things: every `npm run X` (and `npm start` / `npm test`) in README.md
 * and SCENARIO.md is a script in package.json, and every repository path they mention exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { LEARNER_DOCS, npmScriptsMentioned, readDoc, repoPathsMentioned } from '../helpers/markdown.js';

const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

describe.each(LEARNER_DOCS)('%s', (file) => {
  const text = readDoc(file);

  it('mentions only npm scripts that package.json defines', () => {
    const mentioned = [...npmScriptsMentioned(text)];
    expect(mentioned.length).toBeGreaterThan(0);
    const missing = mentioned.filter((name) => !(name in packageJson.scripts));
    expect(missing, `scripts mentioned in ${file} but missing from package.json`).toEqual([]);
  });

  it('mentions only repository paths that exist', () => {
    const mentioned = [...repoPathsMentioned(text)];
    expect(mentioned.length).toBeGreaterThan(0);
    const missing = mentioned.filter((relative) => !fs.existsSync(path.join(ROOT_DIR, relative)));
    expect(missing, `paths mentioned in ${file} that do not exist`).toEqual([]);
  });
});

describe('README.md', () => {
  const text = readDoc('README.md');

  it('keeps the quick start to its two commands', () => {
    const quickStart = text.slice(text.indexOf('## Quick start'), text.indexOf('\n## ', text.indexOf('## Quick start') + 1));
    const commands = [...quickStart.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]!.trim());
    expect(commands).toEqual(['npm install && npm start', 'npm test']);
  });

  it('lists every npm script in its commands table', () => {
    const commands = text.slice(text.indexOf('## Commands'), text.indexOf('\n## ', text.indexOf('## Commands') + 1));
    const listed = npmScriptsMentioned(commands);
    const unlisted = Object.keys(packageJson.scripts).filter((name) => !listed.has(name));
    expect(unlisted, 'package.json scripts without a line in README.md "Commands"').toEqual([]);
  });
});

describe('SCENARIO.md and the lab agree', () => {
  const scenario = readDoc('SCENARIO.md');

  it('names the dashboard panels by their titles', () => {
    const table = scenario.slice(scenario.indexOf('| Panel |'), scenario.indexOf('\n\n', scenario.indexOf('| Panel |')));
    const names = [...table.matchAll(/^\| ([^|]+?) \|/gm)].map((match) => match[1]!).filter((name) => !/^(Panel|-+)$/.test(name));
    expect(names.length).toBeGreaterThan(5);
    const panels = fs.readFileSync(path.join(ROOT_DIR, 'lab', 'dashboard', 'panels.ts'), 'utf8');
    const missing = names.filter((title) => !panels.includes(`title: '${title}'`));
    expect(missing, 'panel names in SCENARIO.md with no such title in lab/dashboard/panels.ts').toEqual([]);
  });

  it('has every "SCENARIO.md, step N" the lab prints', () => {
    const steps = new Set([...scenario.matchAll(/^## Step (\d+)\b/gm)].map((match) => Number(match[1])));
    const referenced = sourceFiles(['lab', 'scripts']).flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/SCENARIO\.md,? step (\d+)/gi)].map((match) => ({
        file: path.relative(ROOT_DIR, file),
        step: Number(match[1]),
      })),
    );
    expect(referenced.filter(({ step }) => !steps.has(step))).toEqual([]);
  });
});

/** The .ts files under these top-level folders, tests left out. */
function sourceFiles(folders: string[]): string[] {
  return folders.flatMap((folder) => {
    const root = path.join(ROOT_DIR, folder);
    if (!fs.existsSync(root)) return [];
    return (fs.readdirSync(root, { recursive: true }) as string[])
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
      .map((name) => path.join(root, name));
  });
}
