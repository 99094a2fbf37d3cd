/**
 * The docs point at real things: every `npm run X` (and `npm start` / `npm test`) in a README or
 * SCENARIO.md is a script of the package.json beside it, and every path they mention exists.
 * The root README is the catalogue; the scenario's README and SCENARIO.md sit in its folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { panelsFor } from '../../lab/dashboard/panels.js';
import { LEARNER_DOCS, npmScriptsMentioned, readDoc, repoPathsMentioned } from '../helpers/markdown.js';
import { SCENARIO_DIR, scenario as definition } from '../helpers/project-lab.js';

interface PackageJson {
  scripts: Record<string, string>;
}

const rootPackage = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as PackageJson;
const scenarioPackage = JSON.parse(fs.readFileSync(path.join(SCENARIO_DIR, 'package.json'), 'utf8')) as PackageJson;
/** npm's own lifecycle scripts: run by npm itself, not by the learner. */
const LIFECYCLE = new Set(['postinstall']);

/** The part of a Markdown text under a "## Heading", up to the next one. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`## ${heading}`);
  return text.slice(start, text.indexOf('\n## ', start + 1));
}

function checksScriptsAndPaths(text: string, file: string, scripts: PackageJson['scripts'], folders: string[]) {
  it('mentions only npm scripts that its package.json defines', () => {
    const mentioned = [...npmScriptsMentioned(text)];
    expect(mentioned.length).toBeGreaterThan(0);
    expect(mentioned.filter((name) => !(name in scripts)), `scripts mentioned in ${file} but missing from its package.json`).toEqual([]);
  });

  it('mentions only paths that exist', () => {
    const mentioned = [...repoPathsMentioned(text)];
    expect(mentioned.length).toBeGreaterThan(0);
    const missing = mentioned.filter((relative) => !folders.some((folder) => fs.existsSync(path.join(folder, relative))));
    expect(missing, `paths mentioned in ${file} that do not exist`).toEqual([]);
  });

  it('keeps the quick start to its two commands, and lists every script in its commands table', () => {
    const quickStart = section(text, 'Quick start');
    const commands = [...quickStart.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]!.trim());
    expect(commands).toEqual(['npm install && npm start', 'npm test']);
    const listed = npmScriptsMentioned(section(text, 'Commands'));
    const unlisted = Object.keys(scripts).filter((name) => !listed.has(name) && !LIFECYCLE.has(name));
    expect(unlisted, `package.json scripts without a line in ${file} "Commands"`).toEqual([]);
  });
}

describe('the root README (the catalogue)', () => {
  checksScriptsAndPaths(fs.readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8'), 'README.md', rootPackage.scripts, [ROOT_DIR]);
});

describe("the scenario's README", () => {
  checksScriptsAndPaths(readDoc('README.md'), 'README.md', scenarioPackage.scripts, [SCENARIO_DIR, ROOT_DIR]);
});

describe.each(LEARNER_DOCS.filter((file) => file !== 'README.md'))('%s', (file) => {
  const text = readDoc(file);

  it('mentions only npm scripts that the scenario defines', () => {
    const missing = [...npmScriptsMentioned(text)].filter((name) => !(name in scenarioPackage.scripts));
    expect(missing).toEqual([]);
  });

  it('mentions only paths that exist in the scenario (or the repository)', () => {
    const missing = [...repoPathsMentioned(text)].filter((relative) => ![SCENARIO_DIR, ROOT_DIR].some((folder) => fs.existsSync(path.join(folder, relative))));
    expect(missing).toEqual([]);
  });
});

describe('SCENARIO.md and the lab agree', () => {
  const scenario = readDoc('SCENARIO.md');

  it("opens with the walkthrough's time, as the catalogue gives it", () => {
    const time = definition.minutes === 60 ? 'About an hour.' : `About ${definition.minutes} minutes.`;
    expect(scenario.split('\n').find((line) => line.trim() !== '' && !line.startsWith('#'))).toMatch(new RegExp(`^${time}`));
  });

  it('names every dashboard panel by its title, and no other', () => {
    const table = scenario.slice(scenario.indexOf('| Panel |'), scenario.indexOf('\n\n', scenario.indexOf('| Panel |')));
    const names = [...table.matchAll(/^\| ([^|]+?) \|/gm)].map((match) => match[1]!).filter((name) => !/^(Panel|-+)$/.test(name));
    const titles = panelsFor(definition).map((panel) => panel.title);
    expect(names.filter((name) => !titles.includes(name)), 'panel names in SCENARIO.md that the dashboard does not show').toEqual([]);
    expect(titles.filter((title) => !names.includes(title)), "the dashboard's panels that SCENARIO.md's table leaves out").toEqual([]);
  });

  it('has every "SCENARIO.md, step N" (or "Step N of SCENARIO.md") the lab prints', () => {
    const steps = new Set([...scenario.matchAll(/^## Step (\d+)\b/gm)].map((match) => Number(match[1])));
    const referenced = sourceFiles([path.join(ROOT_DIR, 'lab'), SCENARIO_DIR]).flatMap((file) => {
      const source = fs.readFileSync(file, 'utf8');
      const numbers = [
        ...[...source.matchAll(/SCENARIO\.md,? step (\d+)/gi)].map((match) => [match[1]!]),
        ...[...source.matchAll(/Step (\d+)(?: and Step (\d+))? of SCENARIO\.md/gi)].map((match) => [match[1]!, match[2]].filter((n) => n !== undefined)),
      ].flat();
      return numbers.map((step) => ({ file: path.relative(ROOT_DIR, file), step: Number(step) }));
    });
    expect(referenced.filter(({ step }) => !steps.has(step))).toEqual([]);
  });
});

/** The .ts files under these folders, tests and node_modules left out. */
function sourceFiles(folders: string[]): string[] {
  return folders.flatMap((root) =>
    (fs.readdirSync(root, { recursive: true }) as string[])
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.split(path.sep).includes('node_modules'))
      .map((name) => path.join(root, name)),
  );
}
