/**
 * Finding a program on the PATH the way a shell would, on every system: PATH split by ":"
 * (";" on Windows), and on Windows each extension of PATHEXT tried in turn (psql is psql.exe).
 */
import fs from 'node:fs';
import path from 'node:path';
import { isWindows } from './system.js';

/**
 * Extensions Node may start without a shell. Node refuses .bat and .cmd files without one
 * (since 20.12.2), so a PATHEXT entry for them is skipped rather than found and then failing.
 */
const SPAWNABLE_ON_WINDOWS = new Set(['.exe', '.com']);
const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD';

export interface ProgramLookup {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Whether a file exists and may be run; the tests pass a set of paths instead of a disk. */
  isRunnable?: (file: string) => boolean;
}

/** Whether a file exists and may be run by this user. */
export function isRunnableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Reads a variable whatever its case: Windows spells it Path, and a copied env is case-sensitive. */
function variable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find((candidate) => candidate.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

/** The full path of the program as the PATH finds it first, or undefined when it is not installed. */
export function findProgram(name: string, lookup: ProgramLookup = {}): string | undefined {
  const env = lookup.env ?? process.env;
  const windows = isWindows(lookup.platform);
  const isRunnable = lookup.isRunnable ?? isRunnableFile;
  const paths = windows ? path.win32 : path.posix;
  const folders = (variable(env, 'PATH') ?? '')
    .split(paths.delimiter)
    .map((folder) => (windows ? folder.replace(/^"(.*)"$/, '$1') : folder))
    .filter((folder) => folder !== '');
  const candidates = windows
    ? (variable(env, 'PATHEXT') ?? DEFAULT_PATHEXT)
        .split(';')
        .map((extension) => extension.trim().toLowerCase())
        .filter((extension) => SPAWNABLE_ON_WINDOWS.has(extension))
        .map((extension) => (name.toLowerCase().endsWith(extension) ? name : `${name}${extension}`))
    : [name];
  for (const folder of folders) {
    for (const candidate of candidates) {
      const file = paths.join(folder, candidate);
      if (isRunnable(file)) return file;
    }
  }
  return undefined;
}
