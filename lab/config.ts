/**
 * The lab's fixed facts: default ports and the embedded database's superuser. What depends on
 * the scenario or on the environment (paths, the app's role, the ports chosen) is in the lab
 * object (lab/lab.ts), built once per command.
 */
export { ROOT_DIR } from './scenario/location.js';

export const DEFAULT_APP_PORT = 3000;
export const DEFAULT_LAB_PORT = 3002;
/** Not 5432, so a PostgreSQL already installed on the machine is left alone. */
export const DEFAULT_PG_PORT = 54329;

/** The superuser the lab itself uses for statistics, seeding and drills. */
export const PG_SUPERUSER = 'postgres';
export const PG_SUPERUSER_PASSWORD = 'lab-admin';
