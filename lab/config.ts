/**
 * Every fixed fact of the lab lives here: ports, paths, credentials of the embedded database.
 * The scenario's own facts (its database, its files, its dataset) come from its definition
 * (lab/scenario/current.ts); the paths here follow the scenario's folder.
 */
import path from 'node:path';
import { scenario, SCENARIO_DIR, scenarioPath } from './scenario/current.js';

export { ROOT_DIR } from './scenario/location.js';
export { SCENARIO_DIR };

/**
 * Lab state that git ignores: database files, run history, hint progress, in the scenario's
 * folder. LAB_STATE_DIR moves it (tests use this to run a lab beside yours).
 */
export const STATE_DIR = process.env.LAB_STATE_DIR ? path.resolve(process.env.LAB_STATE_DIR) : path.join(SCENARIO_DIR, '.lab');
export const PG_DATA_DIR = path.join(STATE_DIR, 'pgdata');
export const PG_LOG_FILE = path.join(STATE_DIR, 'postgres.log');
/** Written by the running supervisor; read by the other commands to find the lab. */
export const LAB_STATE_FILE = path.join(STATE_DIR, 'lab.json');

/**
 * The learner's app, which `npm start` runs and restarts on save. LAB_APP_ENTRY points it at
 * another file: the tests run the lab on a pristine copy, never on the learner's work.
 */
export const APP_ENTRY = process.env.LAB_APP_ENTRY ? path.resolve(process.env.LAB_APP_ENTRY) : scenarioPath(scenario.files.app);
export const SCHEMA_FILE = scenarioPath(scenario.files.schema);

export const DEFAULT_APP_PORT = 3000;
export const DEFAULT_LAB_PORT = 3002;
/** Not 5432, so a PostgreSQL already installed on the machine is left alone. */
export const DEFAULT_PG_PORT = 54329;

/** The superuser the lab itself uses for statistics, seeding and drills. */
export const PG_SUPERUSER = 'postgres';
export const PG_SUPERUSER_PASSWORD = 'lab-admin';
/** The app's own role: owns the scenario's tables, may create indexes on them, nothing more. */
export const APP_ROLE = scenario.database.role;
export const APP_ROLE_PASSWORD = scenario.database.password;
export const APP_DATABASE = scenario.database.name;

