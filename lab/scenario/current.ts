/**
 * The scenario this process works on (lab/scenario/location.ts decides which), loaded once.
 * Engine modules take the scenario's facts from here; the scenario's definition itself imports
 * nothing of the engine's code, so loading it here cannot run into a cycle.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScenarioDefinition } from './definition.js';
import { DEFINITION_FILE, resolveScenarioFolder } from './location.js';
import type { ScenarioStep } from './steps.js';

/** The scenario's folder: scenarios/<nn>-<name>. */
export const SCENARIO_DIR = resolveScenarioFolder();

/** Its definition (scenarios/<nn>-<name>/machinery/scenario.ts). */
export const scenario: ScenarioDefinition = await loadDefinition(SCENARIO_DIR);

/** Reads a scenario's definition from its folder. */
export async function loadDefinition(folder: string): Promise<ScenarioDefinition> {
  const module = (await import(pathToFileURL(path.join(folder, DEFINITION_FILE)).href)) as { default: ScenarioDefinition };
  return module.default;
}

/** The scenario's steps, in the learner's order: for the commands that check or hint. */
export async function loadSteps(): Promise<readonly ScenarioStep[]> {
  return (await scenario.checks.steps()).default;
}

/** A path inside the scenario's folder, from the definition's relative form. */
export function scenarioPath(relative: string): string {
  return path.join(SCENARIO_DIR, relative);
}

/** "Scenario 1 — Connection Pools and Database Indexes": this one's, or another definition's. */
export function scenarioTitle(definition: ScenarioDefinition = scenario): string {
  return `Scenario ${definition.number} — ${definition.title}`;
}

/**
 * A file as the learner finds it from the folder they ran the command in (npm keeps that in
 * INIT_CWD): "src/server.ts" inside the scenario's folder, its full relative path from the root;
 * a file outside that folder (a state folder in /tmp, …) by its absolute path, not "../../tmp/…".
 */
export function learnerPath(file: string): string {
  const relative = path.relative(process.env.INIT_CWD ?? process.cwd(), file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return path.resolve(file);
  return relative.split(path.sep).join('/');
}
