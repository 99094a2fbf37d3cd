/**
 * Which scenario a command works on, decided before anything else is loaded, from (first that
 * answers): LAB_SCENARIO (set by `--scenario N`, or by hand: a number or a folder); the folder
 * the command was run from, when it is inside a scenario's folder; the scenario whose lab is
 * running (in LAB_STATE_DIR, when set); else the first scenario of the series.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError } from '../errors.js';
import { isProcessAlive } from '../os/processes.js';

/** The repository root (the folder that holds the root package.json). */
export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where the scenarios live, one folder each: 01-connection-pools, 02-…. */
export const SCENARIOS_DIR = path.join(ROOT_DIR, 'scenarios');
/** The definition inside a scenario's folder. */
export const DEFINITION_FILE = path.join('machinery', 'scenario.ts');

/** The scenario folders of the series, in order. */
export function scenarioFolders(): string[] {
  return fs
    .readdirSync(SCENARIOS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d{2}-/.test(entry.name) && fs.existsSync(path.join(SCENARIOS_DIR, entry.name, DEFINITION_FILE)))
    .map((entry) => path.join(SCENARIOS_DIR, entry.name))
    .sort();
}

/** The folder of the scenario named by a number ("2", "02") or a path to its folder. */
export function folderOf(name: string, folders = scenarioFolders()): string {
  if (/^\d{1,2}$/.test(name)) {
    const prefix = name.padStart(2, '0');
    const folder = folders.find((candidate) => path.basename(candidate).startsWith(`${prefix}-`));
    if (folder) return folder;
  } else if (fs.existsSync(path.join(path.resolve(name), DEFINITION_FILE))) {
    return path.resolve(name);
  }
  throw new LabError(
    'UNKNOWN_SCENARIO',
    `There is no scenario "${name}". The scenarios are: ${folders.map((folder) => path.basename(folder)).join(', ')}; name one by its number, e.g. --scenario 1.`,
  );
}

/** The scenario folder that contains this path, if any. */
export function folderContaining(somewhere: string, folders = scenarioFolders()): string | undefined {
  const resolved = path.resolve(somewhere);
  return folders.find((folder) => resolved === folder || resolved.startsWith(folder + path.sep));
}

/**
 * A scenario whose lab is running now: its state file names a live supervisor. The state file
 * is in the scenario's .lab/, or in LAB_STATE_DIR when that moves it (which then says which
 * scenario it holds).
 */
function runningScenario(folders: string[], stateDir: string | undefined): string | undefined {
  if (stateDir) {
    const state = liveState(path.join(path.resolve(stateDir), 'lab.json'));
    const folder = state?.scenarioFolder;
    return typeof folder === 'string' && fs.existsSync(path.join(folder, DEFINITION_FILE)) ? folder : undefined;
  }
  return folders.find((folder) => liveState(path.join(folder, '.lab', 'lab.json')) !== undefined);
}

/** The state file's contents when its supervisor is alive. */
function liveState(file: string): { supervisorPid: number; scenarioFolder?: unknown } | undefined {
  try {
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { supervisorPid?: unknown; scenarioFolder?: unknown };
    return typeof state.supervisorPid === 'number' && isProcessAlive(state.supervisorPid) ? { supervisorPid: state.supervisorPid, scenarioFolder: state.scenarioFolder } : undefined;
  } catch {
    return undefined;
  }
}

/** The folder of the scenario this process works on. */
export function resolveScenarioFolder(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const folders = scenarioFolders();
  const named = env.LAB_SCENARIO?.trim();
  if (named) return folderOf(named, folders);
  return folderContaining(cwd, folders) ?? runningScenario(folders, env.LAB_STATE_DIR?.trim() || undefined) ?? folders[0]!;
}
