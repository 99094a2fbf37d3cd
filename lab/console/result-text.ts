/**
 * How the built-in console shows results: aligned tables (cli-table3), query plans as the
 * indented text PostgreSQL writes, and command tags ("INSERT 0 1"; node-postgres keeps only the first word of others, e.g. "CREATE").
 */
import Table from 'cli-table3';

/** The parts of a pg result the console shows. Values arrive as PostgreSQL's text (no parsing). */
export interface ShownResult {
  command: string | null;
  rowCount: number | null;
  fields: Array<{ name: string }>;
  rows: Array<Record<string, unknown>>;
}

export function formatResult(result: ShownResult): string {
  if (result.fields.length === 0) return commandTag(result);
  const names = result.fields.map((field) => field.name);
  // EXPLAIN: one text column, one plan line per row. A table would box every line; the
  // plan reads best as the indented tree PostgreSQL wrote.
  if (names.length === 1 && names[0] === 'QUERY PLAN') {
    return result.rows.map((row) => String(row['QUERY PLAN'] ?? '')).join('\n');
  }
  const table = new Table({ head: names, style: { head: [], border: [], compact: true } });
  for (const row of result.rows) table.push(names.map((name) => show(row[name])));
  const count = result.rows.length;
  return `${table.toString()}\n(${count} row${count === 1 ? '' : 's'})`;
}

function commandTag(result: ShownResult): string {
  const command = result.command ?? 'OK';
  if (command === 'INSERT') return `INSERT 0 ${result.rowCount ?? 0}`;
  if (['UPDATE', 'DELETE', 'SELECT', 'MOVE', 'FETCH', 'COPY', 'MERGE'].includes(command)) return `${command} ${result.rowCount ?? 0}`;
  return command;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A database error the way psql shows it: the message, then detail and hint when there are any. */
export function formatError(error: unknown): string {
  const e = error as { message?: string; detail?: string; hint?: string };
  const lines = [`ERROR:  ${e.message ?? String(error)}`];
  if (e.detail) lines.push(`DETAIL:  ${e.detail}`);
  if (e.hint) lines.push(`HINT:  ${e.hint}`);
  return lines.join('\n');
}
