/**
 * The diagrams render where learners read the docs: GitHub shows an SVG as an <img>, which
 * loads nothing from outside the file, so each one must be self-contained, sized, titled for
 * screen readers, and drawn on its own background (GitHub's dark theme would hide dark text
 * on a transparent one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEARNER_DOCS, readDoc } from '../helpers/markdown.js';
import { SCENARIO_DIR } from '../helpers/project-lab.js';

const DOCS_DIR = path.join(SCENARIO_DIR, 'docs');
const diagrams = fs.existsSync(DOCS_DIR) ? fs.readdirSync(DOCS_DIR).filter((name) => name.endsWith('.svg')) : [];

describe('the images the docs show', () => {
  it('are diagrams in docs/', () => {
    const shown = LEARNER_DOCS.flatMap((file) => [...readDoc(file).matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => `${file}: ${match[1]!}`));
    const missing = shown.filter((entry) => !diagrams.some((name) => entry.endsWith(`: docs/${name}`)));
    expect(missing, 'images shown that are not an SVG in the docs/ folder').toEqual([]);
  });
});

describe.each(diagrams)('docs/%s', (name) => {
  const svg = fs.readFileSync(path.join(DOCS_DIR, name), 'utf8');

  it('is a sized SVG with a title and a description', () => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/);
    expect(svg).toMatch(/<title id="title">[^<]+<\/title>/);
    expect(svg).toMatch(/<desc id="desc">[^<]+<\/desc>/);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('loads nothing from outside the file and paints its own background', () => {
    expect(svg).not.toMatch(/(?:href|src)="(?!#)/);
    expect(svg).not.toMatch(/@import|@font-face|url\((?!#)/);
    expect(svg).not.toMatch(/<(?:image|foreignObject|script)\b/);
    expect(svg).toMatch(/<rect width="\d+" height="\d+" fill="#ffffff"\/>/);
  });

  it('is shown in the docs', () => {
    const shownIn = LEARNER_DOCS.filter((file) => readDoc(file).includes(`](docs/${name})`));
    expect(shownIn.length).toBeGreaterThan(0);
  });
});
