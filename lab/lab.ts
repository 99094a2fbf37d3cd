/**
 * The lab a command works on: its scenario's definition, where its files and state live, and
 * the settings a person gave through the environment. lab/cli.ts builds it once (openLab) and
 * passes it down to the command, which passes it on; no engine module reads the scenario, the
 * state folder or an environment variable on its own.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScenarioDefinition } from './scenario/definition.js';
import { DEFINITION_FILE, ROOT_DIR, resolveScenarioFolder } from './scenario/location.js';
import type { ScenarioStep } from './scenario/steps.js';
import { IN_PROGRESS_NAME } from './runs/run-store.js';
import { applyCalibratedRate, readRateCalibration } from './load-rate.js';
import { readSettings, type LabSettings } from './settings.js';

/** Every file and folder of one lab, each in one place. */
export interface LabPaths {
  /** The repository root (the folder of the root package.json). */
  root: string;
  /** The scenario's folder: scenarios/<nn>-<name>. */
  scenario: string;
  /**
   * Lab state that git ignores: database files, run history, hint progress. In the scenario's
   * .lab/ unless LAB_STATE_DIR moves it (tests run a lab beside yours this way).
   */
  state: string;
  pgData: string;
  pgLog: string;
  /** Written by the running supervisor; read by the other commands to find the lab. */
  labState: string;
  /** One JSON file per recorded load-test run. */
  runs: string;
  /** The run under way, so a second command can show it. */
  inProgressRun: string;
  hints: string;
  drills: string;
  checkLoads: string;
  checkProgress: string;
  /** The dashboard's charts between starts of the lab (the last 15 minutes). */
  dashboardHistory: string;
  /** The load test's rate measured for this machine on the first start (lab/rate-calibration.ts). */
  loadRate: string;
  /**
   * Where the learner's files are (src/…, the files of files.pristine): the scenario's folder.
   * LAB_LEARNER_DIR points the lab at a copy: the tests run every process from the shipped files,
   * and reset and solve rewrite that copy, never the learner's work.
   */
  learnerDir: string;
  schema: string;
  /**
   * The folder the learner ran the command from (npm keeps it in INIT_CWD): the paths a command
   * prints are relative to it.
   */
  runFrom: string;
}

export interface Lab {
  scenario: ScenarioDefinition;
  paths: LabPaths;
  settings: LabSettings;
}

export interface OpenLabOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The scenario's folder; left out, lab/scenario/location.ts decides from env and cwd. */
  folder?: string;
}

/** Finds the scenario, loads its definition, and reads the settings: once per command. */
export async function openLab(options: OpenLabOptions = {}): Promise<Lab> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const folder = options.folder ?? resolveScenarioFolder(env, cwd);
  const lab = labOf(await loadDefinition(folder), folder, env, cwd);
  // The load test's rate measured for this machine on the first start, once it has been.
  applyCalibratedRate(lab.scenario, readRateCalibration(lab.paths.loadRate));
  return lab;
}

/** The lab of a definition already loaded, in its folder. */
export function labOf(scenario: ScenarioDefinition, folder: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Lab {
  return { scenario, paths: labPaths(scenario, folder, env, cwd), settings: readSettings(env) };
}

export function labPaths(scenario: ScenarioDefinition, folder: string, env: NodeJS.ProcessEnv, cwd: string): LabPaths {
  const state = env.LAB_STATE_DIR?.trim() ? path.resolve(cwd, env.LAB_STATE_DIR.trim()) : path.join(folder, '.lab');
  const runs = path.join(state, 'runs');
  return {
    root: ROOT_DIR,
    scenario: folder,
    state,
    pgData: path.join(state, 'pgdata'),
    pgLog: path.join(state, 'postgres.log'),
    labState: path.join(state, 'lab.json'),
    runs,
    inProgressRun: path.join(runs, IN_PROGRESS_NAME),
    hints: path.join(state, 'hints.json'),
    drills: path.join(state, 'drills.json'),
    checkLoads: path.join(state, 'check-loads.json'),
    checkProgress: path.join(state, 'progress.json'),
    dashboardHistory: path.join(state, 'dashboard-history.json'),
    loadRate: path.join(state, 'load-rate.json'),
    learnerDir: env.LAB_LEARNER_DIR?.trim() ? path.resolve(cwd, env.LAB_LEARNER_DIR.trim()) : folder,
    schema: path.join(folder, scenario.files.schema),
    runFrom: env.INIT_CWD?.trim() || cwd,
  };
}

/** Reads a scenario's definition from its folder. */
export async function loadDefinition(folder: string): Promise<ScenarioDefinition> {
  const module = (await import(pathToFileURL(path.join(folder, DEFINITION_FILE)).href)) as { default: ScenarioDefinition };
  return module.default;
}

/** The scenario's steps, in the learner's order: for the commands that check or hint. */
export async function loadSteps(scenario: ScenarioDefinition): Promise<readonly ScenarioStep[]> {
  return (await scenario.checks.steps()).default;
}

/** A path inside the scenario's folder, from the definition's relative form. */
export function scenarioFile(lab: Lab, relative: string): string {
  return path.join(lab.paths.scenario, relative);
}

/** Where the lab reads one of the learner's files ("src/server.ts"): in the learner folder. */
export function learnerFile(lab: Lab, name: string): string {
  return path.join(lab.paths.learnerDir, name);
}

/** "Scenario 1 — Connection Pools and Database Indexes". */
export function scenarioTitle(scenario: ScenarioDefinition): string {
  return `Scenario ${scenario.number} — ${scenario.title}`;
}

/**
 * A file as the learner finds it from the folder they ran the command in: "src/server.ts"
 * inside the scenario's folder, its full relative path from the root; a file outside that
 * folder (a state folder in /tmp, …) by its absolute path, not "../../tmp/…".
 */
export function learnerPath(file: string, runFrom: string): string {
  const relative = path.relative(runFrom, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return path.resolve(file);
  return relative.split(path.sep).join('/');
}
