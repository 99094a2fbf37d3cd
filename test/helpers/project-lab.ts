/**
 * The lab of the scenario this test project runs (vitest.config.ts gives each project its
 * LAB_SCENARIO), opened once per test file as a command opens it, with its pristine servers
 * written where tests run them (never the learner's working copy).
 */
import path from 'node:path';
import { writePristineScenario } from '../../lab/app-runner.js';
import { labOf, loadDefinition, type Lab } from '../../lab/lab.js';
import { scenarioFiles } from '../../lab/reset/scenario-files.js';
import type { ScenarioDefinition } from '../../lab/scenario/definition.js';
import { folderOf } from '../../lab/scenario/location.js';

/** The scenario's folder. */
export const SCENARIO_DIR = folderOf(process.env.LAB_SCENARIO ?? '1');
export const scenario: ScenarioDefinition = await loadDefinition(SCENARIO_DIR);
/** The lab as the definition describes it: never with the rate a learner's first start measured (their .lab/). */
export const lab: Lab = { ...labOf(scenario, SCENARIO_DIR), scenario };

const pristine = writePristineScenario(lab);
/** The folder of the scenario's learner files as shipped. */
export const PRISTINE_DIR = pristine.dir;
/** The shipped broken server. */
export const BROKEN_SERVER = pristine.brokenServer;
/** The solution's server (the shipped one when the fix is SQL only). */
export const FIXED_SERVER = pristine.fixedServer;

export const APP_DATABASE = scenario.database.name;
export const APP_ROLE = scenario.database.role;
export const APP_ROLE_PASSWORD = scenario.database.password;

/** A path inside the scenario's folder. */
export function scenarioPath(relative: string): string {
  return path.join(SCENARIO_DIR, relative);
}

/** The files reset and solve swap, for this scenario. */
export const SCENARIO_FILES = scenarioFiles(lab);

/** The app file as shipped (its copy in machinery/pristine/), and its fixed version when the solution changes it. */
const APP = SCENARIO_FILES.swapped[0]!;
export const SHIPPED_APP = APP.pristine;
export const SOLUTION_APP = APP.solution;
