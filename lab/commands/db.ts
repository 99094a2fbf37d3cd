/**
 * `npm run db [-- -c "SQL"] [-- -f file] [-- --builtin]`: a SQL console on the lab's database,
 * as the app's own role. Uses psql when it is installed, the built-in console otherwise.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { consoleClient, interactiveConsole, runSql } from '../console/builtin-console.js';
import { LabError, usageError } from '../errors.js';
import { resolveLabDatabase } from '../lab-connection.js';
import type { Lab } from '../lab.js';
import { exitWithHelpIfAsked, usageOf } from '../command-help.js';
import { findProgram } from '../os/programs.js';

export async function run(lab: Lab, args: string[]): Promise<number> {
  const { scenario, paths } = lab;
  exitWithHelpIfAsked(scenario, paths.scenario, 'db', args);
  const usage = usageOf(scenario, paths.scenario, 'db');
  const options = parseCliArgs(args, usage);
  if (options.file !== undefined) options.file = sqlFilePath(options.file, [paths.runFrom, paths.scenario]);
  const { appUrl } = resolveLabDatabase(lab);
  const psql = options.builtin ? undefined : findProgram('psql');
  if (psql) return runPsql(psql, appUrl, options);

  const client = consoleClient(appUrl);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new LabError('DATABASE_UNREACHABLE', `Cannot connect to the lab database: ${(error as Error).message}. Is \`npm start\` still running?`);
  }
  try {
    if (options.commands.length > 0 || options.file !== undefined) {
      // Several -c run in order, as psql runs them; the first that fails stops the rest.
      for (const sql of options.file !== undefined ? [readSqlFile(options.file, usage)] : options.commands) {
        const { ok, output } = await runSql(client, sql);
        (ok ? console.log : console.error)(output);
        if (!ok) return 1;
      }
      return 0;
    }
    const database = decodeURIComponent(new URL(appUrl).pathname.slice(1));
    await interactiveConsole(client, path.join(paths.state, 'db_history'), database);
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface DbOptions {
  /** Each -c, in the order given. */
  commands: string[];
  file?: string;
  builtin: boolean;
}

function parseCliArgs(args: string[], usage: string): DbOptions {
  try {
    const { values } = parseArgs({
      args,
      options: { command: { type: 'string', short: 'c', multiple: true }, file: { type: 'string', short: 'f' }, builtin: { type: 'boolean', default: false } },
      strict: true,
    });
    const commands = values.command ?? [];
    if (commands.length > 0 && values.file !== undefined) throw new Error('-c and -f cannot be used together');
    return { commands, builtin: values.builtin ?? false, ...(values.file !== undefined ? { file: values.file } : {}) };
  } catch (error) {
    throw usageError((error as Error).message, usage);
  }
}

/**
 * The file as the learner named it: from the folder they ran the command in, or else from the
 * scenario's folder, so `-f solution/fix.sql` works from the root too.
 */
function sqlFilePath(file: string, folders: readonly string[]): string {
  return folders.map((folder) => path.resolve(folder, file)).find((candidate) => fs.existsSync(candidate)) ?? file;
}

function readSqlFile(file: string, usage: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw usageError(`Cannot read ${file}. Give a path from the scenario's folder, e.g. npm run db -- -f solution/fix.sql`, usage);
  }
}

function runPsql(psql: string, url: string, options: DbOptions): Promise<number> {
  const args = [url, '-v', 'ON_ERROR_STOP=1'];
  for (const command of options.commands) args.push('-c', command);
  if (options.file !== undefined) args.push('-f', options.file);
  const child = spawn(psql, args, { stdio: 'inherit' });
  // Ctrl-C belongs to psql (it cancels the running query); do not let it end this wrapper first.
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  return new Promise((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (code) => {
      process.off('SIGINT', ignore);
      resolve(code ?? 1);
    });
  });
}
