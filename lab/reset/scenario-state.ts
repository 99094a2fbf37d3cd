/**
 * Putting the scenario back to its start (reset) or to its solution (solve). Data is
 * always kept: only the server file, the learner's extra indexes and lab bookkeeping change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { indexesOn, type TableIndex } from '../database/indexes.js';
import { withClient } from '../database/with-client.js';
import type { ScenarioFiles, SwappedFile } from './scenario-files.js';

/**
 * Indexes the learner added: every index on the scenario's tables (its definition's
 * database.tables) that backs no primary key, unique or other constraint.
 */
export async function learnerIndexes(databaseUrl: string, tables: readonly string[]): Promise<TableIndex[]> {
  return withClient(databaseUrl, 'lab reset', async (client) => (await indexesOn(client, tables)).filter((index) => !index.backsConstraint));
}

/** Drops the learner's indexes; returns their names. */
export async function dropLearnerIndexes(databaseUrl: string, tables: readonly string[]): Promise<string[]> {
  return withClient(databaseUrl, 'lab reset', async (client) => {
    const extra = (await indexesOn(client, tables)).filter((index) => !index.backsConstraint);
    for (const index of extra) await client.query(`DROP INDEX IF EXISTS public.${client.escapeIdentifier(index.name)}`);
    return extra.map((index) => index.name);
  });
}

/** True when the learner's file is byte for byte the one shipped. */
export function isPristine(swapped: SwappedFile): boolean {
  try {
    return fs.readFileSync(swapped.file).equals(fs.readFileSync(swapped.pristine));
  } catch {
    return false;
  }
}

/**
 * Puts each swapped file back as shipped, keeping the learner's version as a backup. Returns
 * the files it changed.
 */
export function restorePristineFiles(files: ScenarioFiles): SwappedFile[] {
  const changed = files.swapped.filter((swapped) => !isPristine(swapped));
  for (const swapped of changed) {
    if (fs.existsSync(swapped.file)) {
      fs.mkdirSync(path.dirname(swapped.backup), { recursive: true });
      fs.copyFileSync(swapped.file, swapped.backup);
    }
    writeAtomically(swapped.file, fs.readFileSync(swapped.pristine));
  }
  return changed;
}

/** Runs the solution's SQL, then copies each fixed file over the learner's. */
export async function applySolution(files: ScenarioFiles, appDatabaseUrl: string): Promise<void> {
  const sql = fs.readFileSync(files.solutionSql, 'utf8');
  // The SQL first: if the database is unreachable, the learner's files stay as they were.
  await withClient(appDatabaseUrl, 'lab reset', (client) => client.query(sql));
  for (const swapped of files.swapped) if (swapped.solution !== undefined) writeAtomically(swapped.file, fs.readFileSync(swapped.solution));
}

// The supervisor restarts the app on every save: write the whole file at once, so it never
// restarts on a half-written file.
function writeAtomically(file: string, content: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}
