/**
 * Reads the learner-facing Markdown of the scenario under test (its README.md and SCENARIO.md,
 * in its folder; LAB_SCENARIO picks another scenario) the way the docs tests need it:
 * fenced code blocks, the `npm` commands mentioned, the repository paths mentioned, and plan
 * excerpts compared with what PostgreSQL really printed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SCENARIO_DIR } from './project-lab.js';

/** The Markdown files a learner reads, relative to the scenario's folder. */
export const LEARNER_DOCS = ['README.md', 'SCENARIO.md'] as const;

export interface FencedBlock {
  file: string;
  /** The info string after the opening fence: "sql", "text", "bash", … ("" when absent). */
  language: string;
  /** The block's lines, with the fence's own indentation removed. */
  body: string;
  /** 1-based line of the opening fence, for error messages. */
  line: number;
}

/** A learner doc of the scenario under test, by its path in the scenario's folder. */
export function readDoc(file: string): string {
  return fs.readFileSync(path.join(SCENARIO_DIR, file), 'utf8');
}

/** Every ``` fenced block, in document order (indented fences inside list items included). */
export function fencedBlocks(file: string, text = readDoc(file)): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const opening = /^(\s*)```\s*([\w-]*)\s*$/.exec(lines[i]!);
    if (!opening) continue;
    const indent = opening[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) {
      body.push(lines[j]!.slice(Math.min(indent, lines[j]!.length - lines[j]!.trimStart().length)));
      j += 1;
    }
    blocks.push({ file, language: opening[2]!, body: body.join('\n'), line: i + 1 });
    i = j;
  }
  return blocks;
}

/** An ```sql block a learner runs, with the plans the text shows for it. */
export interface SqlStep {
  sql: FencedBlock;
  /**
   * The ```text blocks right after a block that runs EXPLAIN: the plans the text tells the
   * learner to expect, one per EXPLAIN in the block, in order.
   */
  shownPlans: FencedBlock[];
}

/** The ```sql blocks of a learner doc in reading order, each with the plans shown after it. */
export function sqlSteps(file: string, text = readDoc(file)): SqlStep[] {
  const blocks = fencedBlocks(file, text);
  const steps: SqlStep[] = [];
  blocks.forEach((block, index) => {
    if (block.language !== 'sql') return;
    const shownPlans: FencedBlock[] = [];
    if (/^\s*EXPLAIN\b/im.test(block.body)) {
      for (let next = index + 1; blocks[next]?.language === 'text'; next += 1) shownPlans.push(blocks[next]!);
    }
    steps.push({ sql: block, shownPlans });
  });
  return steps;
}

/** Script names used as `npm run NAME`, plus `start` and `test` for `npm start` / `npm test`. */
export function npmScriptsMentioned(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/\bnpm run ([\w:-]+)/g)) names.add(match[1]!);
  for (const match of text.matchAll(/\bnpm (start|test)\b/g)) names.add(match[1]!);
  return names;
}

// Extensions of files that live in this repository; a backticked word ending in one of these,
// or containing a slash, is taken as a path.
const FILE_EXTENSIONS = /\.(ts|sql|md|json|ya?ml|svg|sh)$/;
// Created at run time and ignored by git: mentioned in the docs, but absent from a fresh clone.
const RUNTIME_ONLY = /^\.lab(\/|$)|^node_modules(\/|$)/;

/**
 * Repository paths the text points at: Markdown link targets and `backticked` words that look
 * like a path. Routes ("/feed"), URLs, options and SQL names are left out.
 */
export function repoPathsMentioned(text: string): Set<string> {
  const candidates: string[] = [];
  for (const match of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) candidates.push(match[1]!);
  for (const match of text.matchAll(/`([^`\s]+)`/g)) candidates.push(match[1]!);
  const paths = new Set<string>();
  for (const candidate of candidates) {
    if (/^[a-z]+:/i.test(candidate) || candidate.includes(':')) continue; // URLs, host:port
    if (candidate.startsWith('/') || candidate.startsWith('-')) continue; // routes, options
    if (!/^[\w./-]+$/.test(candidate)) continue;
    if (!candidate.includes('/') && !FILE_EXTENSIONS.test(candidate)) continue;
    if (RUNTIME_ONLY.test(candidate)) continue;
    paths.add(candidate.replace(/^\.\//, ''));
  }
  return paths;
}

/**
 * Checks a plan excerpt shown in the docs against the plan PostgreSQL printed.
 *
 * Each excerpt line is stripped of its indentation and "->" arrow and split at "…"; the pieces
 * must appear, in that order, within one line of the real plan, and the excerpt's lines must
 * match real lines in top-to-bottom order (so a node shown above another really is above it).
 * Lines that are only "…" stand for lines left out. Returns the excerpt lines that did not match.
 */
export function unmatchedPlanLines(excerpt: string, plan: string): string[] {
  const planLines = plan.split('\n');
  const unmatched: string[] = [];
  let from = 0;
  for (const raw of excerpt.split('\n')) {
    const shown = raw.trim().replace(/^->\s*/, '');
    const pieces = shown.split('…').map((piece) => piece.trim()).filter(Boolean);
    if (pieces.length === 0) continue;
    const found = planLines.findIndex((line, index) => index >= from && containsInOrder(line, pieces));
    if (found === -1) unmatched.push(raw);
    else from = found + 1;
  }
  return unmatched;
}

function containsInOrder(line: string, pieces: string[]): boolean {
  let at = 0;
  for (const piece of pieces) {
    const index = line.indexOf(piece, at);
    if (index === -1) return false;
    at = index + piece.length;
  }
  return true;
}
