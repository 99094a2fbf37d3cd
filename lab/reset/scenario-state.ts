/**
 * Putting the scenario back to its start (reset) or to its solution (solve). Data is
 * always kept: only the server file, the learner's extra indexes and lab bookkeeping change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { indexesOn, type TableIndex } from '../database/indexes.js';
import { withClient } from '../database/with-client.js';
import type { ScenarioFiles } from './scenario-files.js';

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

/** True when the learner's server is byte for byte the shipped broken one. */
export function serverIsPristine(files: ScenarioFiles): boolean {
  try {
    return fs.readFileSync(files.server).equals(fs.readFileSync(files.pristineServer));
  } catch {
    return false;
  }
}

/** Puts the shipped broken server back, keeping the learner's version as a backup. Returns whether it changed anything. */
export function restorePristineServer(files: ScenarioFiles): boolean {
  if (serverIsPristine(files)) return false;
  if (fs.existsSync(files.server)) {
    fs.mkdirSync(path.dirname(files.serverBackup), { recursive: true });
    fs.copyFileSync(files.server, files.serverBackup);
  }
  writeAtomically(files.server, fs.readFileSync(files.pristineServer));
  return true;
}

/** Runs the solution's SQL, then copies the fixed server over the learner's (when the scenario has one). */
export async function applySolution(files: ScenarioFiles, appDatabaseUrl: string): Promise<void> {
  const sql = fs.readFileSync(files.solutionSql, 'utf8');
  // The SQL first: if the database is unreachable, the learner's file stays as it was.
  await withClient(appDatabaseUrl, 'lab reset', (client) => client.query(sql));
  if (files.solutionServer !== undefined) writeAtomically(files.server, fs.readFileSync(files.solutionServer));
}

// The supervisor restarts the app on every save: write the whole file at once, so it never
// restarts on a half-written server.ts.
function writeAtomically(file: string, content: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}
