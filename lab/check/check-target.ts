/** Where `npm run check` finds a running lab: its app, its database, its fleet and its files. */
import type { Lab } from '../lab.js';
import type { LabState } from '../lab-state.js';
import { labServerFleet } from './lab-server-fleet.js';
import type { CheckTarget } from './run-checks.js';

/** The check target of the lab `running` describes (its .lab/lab.json), with the lab's own files. */
export function checkTargetOf(running: LabState, paths: Lab['paths']): CheckTarget {
  return {
    appUrl: `http://127.0.0.1:${running.appPort}`,
    adminDatabaseUrl: running.adminDatabaseUrl,
    databaseName: decodeURIComponent(new URL(running.appDatabaseUrl).pathname.slice(1)),
    runsDir: paths.runs,
    drillsFile: paths.drills,
    checkLoadsFile: paths.checkLoads,
    fleet: labServerFleet(running.labPort),
  };
}
