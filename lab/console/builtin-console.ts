/**
 * The built-in SQL console, for machines without psql: one statement at a time (`-c`), a
 * file (`-f`), or an interactive session with multi-line statements, \d, \q and history.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';
import { describe } from './describe.js';
import { formatError, formatResult, type ShownResult } from './result-text.js';
import { endsStatement } from './statement-ends.js';

/** A client that hands every value back as PostgreSQL's own text, the way psql shows it. */
export function consoleClient(databaseUrl: string): pg.Client {
  return new pg.Client({
    connectionString: databaseUrl,
    application_name: 'lab console',
    types: { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig,
  });
}

/** Runs SQL (one or more statements) and returns what to print; `ok` is false when PostgreSQL refused it. */
export async function runSql(client: pg.Client, sql: string): Promise<{ ok: boolean; output: string }> {
  try {
    const result = (await client.query(sql)) as unknown as ShownResult | ShownResult[];
    const results = Array.isArray(result) ? result : [result];
    return { ok: true, output: results.map(formatResult).join('\n\n') };
  } catch (error) {
    return { ok: false, output: formatError(error) };
  }
}

const HELP = `  Type SQL and end it with ; (it may span lines). Try:
    EXPLAIN ANALYZE SELECT …;   the plan PostgreSQL chose, and what it really did
  \\d          list the tables
  \\d TABLE    the columns and indexes of a table
  \\q          quit (or Ctrl-D)`;

export async function interactiveConsole(client: pg.Client, historyFile: string, databaseName: string): Promise<void> {
  const history = readHistory(historyFile);
  const prompt = readline.createInterface({ input: process.stdin, output: process.stdout, history, historySize: 500, removeHistoryDuplicates: true });
  console.log(`Lab SQL console on "${databaseName}" (built in, because psql is not installed). \\? for help, \\q to quit.`);
  let buffer = '';
  const ask = () => {
    prompt.setPrompt(buffer ? `${databaseName}-> ` : `${databaseName}=> `);
    prompt.prompt();
  };
  prompt.on('history', (lines: string[]) => writeHistory(historyFile, lines));
  ask();
  for await (const line of prompt) {
    const trimmed = line.trim();
    if (!buffer && trimmed.startsWith('\\')) {
      const [command, argument] = trimmed.split(/\s+/);
      if (command === '\\q') break;
      if (command === '\\d') console.log(await describe(client, argument).catch(formatError));
      else console.log(command === '\\?' ? HELP : `Unknown command ${command}. \\? lists what the built-in console knows.`);
      ask();
      continue;
    }
    buffer = buffer ? `${buffer}\n${line}` : line;
    if (buffer.trim() === '') buffer = '';
    else if (endsStatement(buffer)) {
      const { output } = await runSql(client, buffer);
      console.log(output);
      buffer = '';
    }
    ask();
  }
  prompt.close();
}

function readHistory(file: string): string[] {
  try {
    // readline keeps the newest entry first.
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse();
  } catch {
    return [];
  }
}

function writeHistory(file: string, lines: string[]): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${[...lines].reverse().join('\n')}\n`);
  } catch {
    // History is a convenience; never fail the console over it.
  }
}
