/**
 * Scenario 2's SCENARIO.md holds together: the queries it EXPLAINs are the shop's own (the
 * pristine server's, with a value for each $n); every question it asks has one answer in the
 * key, and every fill-in table its filled-in twin; the indexes the walkthrough ends up keeping
 * are solution/fix.sql's; and the check lines it quotes are titles `npm run check` prints.
 * (test/docs/sql-blocks.test.ts runs every block and compares every plan shown.)
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fencedBlocks, readDoc, sqlSteps } from '../../helpers/markdown.js';
import { SCENARIO_FILES, SHIPPED_APP, scenario } from '../../helpers/project-lab.js';
import { loadSteps } from '../../../lab/lab.js';

const text = readDoc('SCENARIO.md');
const ANSWER_KEY = '\n## Answer key';
const walkthrough = text.slice(0, text.indexOf(ANSWER_KEY));
const answerKey = text.slice(text.indexOf(ANSWER_KEY));

/** One line, single spaces, no trailing semicolon. */
const normalise = (sql: string) => sql.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim();

/** The statements of the SQL blocks, one by one (none of them holds a ; inside a string). */
const statements = sqlSteps('SCENARIO.md').flatMap((step) => step.sql.body.split(/;\s*(?:\n|$)/).map(normalise).filter(Boolean));

/** The page queries of the shipped server: every pool.query template literal that reads a page with $1. */
function pageQueries(): string[] {
  const server = fs.readFileSync(SHIPPED_APP, 'utf8');
  return [...server.matchAll(/pool\.query\(\s*`([^`]+)`/g)].map((match) => normalise(match[1]!)).filter((query) => /LIMIT \d+$/.test(query));
}

/** A query with each $n as a pattern for the literal a learner types in its place. */
function withValues(query: string): RegExp {
  const escaped = query.replace(/[.*+?^{}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\$\d+/g, "(?:'[a-z]+'|\\d+)")}$`);
}

/** The Markdown tables of a text: header cells and rows of cells. */
function tables(markdown: string): Array<{ header: string[]; rows: string[][] }> {
  const found: Array<{ header: string[]; rows: string[][] }> = [];
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim());
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length - 1; i += 1) {
    if (!lines[i]!.startsWith('|') || !/^\|(\s*-+\s*\|)+$/.test(lines[i + 1]!.trim())) continue;
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.startsWith('|'); j += 1) rows.push(cells(lines[j]!));
    found.push({ header: cells(lines[i]!), rows });
    i = j;
  }
  return found;
}

describe("Scenario 2's SCENARIO.md", () => {
  it('EXPLAINs the queries the shipped server sends, with a value in place of each $n', () => {
    const queries = pageQueries();
    expect(queries).toHaveLength(3);
    const explained = statements.filter((statement) => /^EXPLAIN \(ANALYZE, BUFFERS\) SELECT/.test(statement)).map((statement) => statement.replace(/^EXPLAIN \(ANALYZE, BUFFERS\) /, ''));
    expect(explained.length).toBeGreaterThan(10);
    expect(explained.filter((statement) => !queries.some((query) => withValues(query).test(statement)))).toEqual([]);
    // Each page's query is shown at least once.
    for (const query of queries) expect(explained.some((statement) => withValues(query).test(statement)), query).toBe(true);
  });

  it('answers every question it asks, once, in order', () => {
    const asked = [...walkthrough.matchAll(/\*\*Q(\d+)\.\*\*/g)].map((match) => Number(match[1]));
    const answered = [...answerKey.matchAll(/^\*\*Q(\d+)\b/gm)].map((match) => Number(match[1]));
    expect(asked.length).toBeGreaterThan(15);
    expect(asked).toEqual(asked.map((_, index) => index + 1));
    expect(answered).toEqual(asked);
  });

  it('fills in every fill-in table in the answer key, row for row', () => {
    const fillIns = tables(walkthrough).filter((table) => table.rows.some((row) => row.includes('___') || row.some((cell) => cell.includes('___'))));
    expect(fillIns.length).toBeGreaterThanOrEqual(3);
    const answers = tables(answerKey);
    for (const fillIn of fillIns) {
      const answer = answers.find((table) => table.header.join('|') === fillIn.header.join('|'));
      expect(answer, `no answer-key table for | ${fillIn.header.join(' | ')} |`).toBeDefined();
      expect(answer!.rows.map((row) => row[0])).toEqual(fillIn.rows.map((row) => row[0]));
      expect(answer!.rows.flat().filter((cell) => cell.includes('___') || cell === '')).toEqual([]);
    }
  });

  it("ends the walkthrough (before the bonus) keeping exactly solution/fix.sql's indexes", () => {
    const indexesIn = (sql: string) => new Map([...sql.matchAll(/CREATE INDEX (?:IF NOT EXISTS )?(\w+) ON (\w+ \([^)]*\)(?: WHERE [^;]+)?)/g)].map((match) => [match[1]!, normalise(match[2]!)]));
    const solution = indexesIn(fs.readFileSync(SCENARIO_FILES.solutionSql, 'utf8'));
    expect(solution.size).toBe(3);
    const beforeBonus = walkthrough.slice(0, walkthrough.indexOf('\n## Bonus'));
    const kept = new Map<string, string>();
    for (const block of fencedBlocks('SCENARIO.md', beforeBonus)) {
      if (block.language === 'bash' && /npm run reset\b/.test(block.body)) kept.clear();
      if (block.language === 'bash' && /npm run solve\b/.test(block.body)) for (const [name, definition] of solution) kept.set(name, definition);
      if (block.language !== 'sql') continue;
      for (const statement of block.body.split(/;\s*(?:\n|$)/).map(normalise)) {
        for (const [name, definition] of indexesIn(statement)) kept.set(name, definition);
        const dropped = /^DROP INDEX (.+)$/.exec(statement)?.[1];
        for (const name of dropped?.split(',').map((part) => part.trim()) ?? []) kept.delete(name);
      }
    }
    expect(kept).toEqual(solution);
  });

  it('quotes only check lines that `npm run check` prints', async () => {
    const titles = (await loadSteps(scenario)).map((step) => step.title);
    // "Run `npm run check`: *Title* is ✔" (the title may wrap onto the next line).
    const quoted = [...walkthrough.matchAll(/\*([^*]+)\*,?\s+is\s+[✔✘]/g)].map((match) => match[1]!.replace(/\s+/g, ' '));
    expect(quoted.length).toBeGreaterThanOrEqual(5);
    // The steps come with the checks; until then only the quotes' form is checked.
    if (titles.length === 0) return;
    expect(quoted.filter((title) => !titles.includes(title))).toEqual([]);
  });

  it("states the load test's users, duration and goal as the definition has them", () => {
    const docs = `${text}\n${readDoc('README.md')}`;
    const users = [...docs.matchAll(/\b(\d+) (?:simultaneous )?users\b/g)].map((match) => Number(match[1]));
    expect(users.length).toBeGreaterThanOrEqual(3);
    expect(new Set(users)).toEqual(new Set([scenario.loadTest.users]));
    expect(readDoc('README.md')).toContain(`for ${scenario.loadTest.durationSeconds} s`);
    const goals = [...docs.matchAll(/p99 under (\d+(?:\.\d+)?) s\b/g)].map((match) => Number(match[1]) * 1000);
    expect(goals.length).toBeGreaterThan(0);
    expect(new Set(goals)).toEqual(new Set([scenario.loadTest.p99GoalMs]));
  });
});
