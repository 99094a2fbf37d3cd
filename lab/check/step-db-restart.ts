/**
 * Bonus: the app survives a database restart. Judged by what happened in the last
 * `npm run chaos -- db`: the app served /feed again after the database returned, and its
 * process did not crash. Saving server.ts or restarting the lab afterwards changes nothing:
 * the drill's outcome is what counts. The check itself never restarts the database.
 */
import { readDrills } from '../chaos/drill-record.js';
import { localTime } from '../loadtest/format.js';
import { failed, passed, skipped, type StepResult } from './types.js';

const TRY_IT = 'run `npm run chaos -- db` while the lab runs, then check again';

export function checkDatabaseRestart(drillsFile: string): StepResult {
  const drill = readDrills(drillsFile).database;
  if (!drill) return skipped('bonus-db-restart', 'not tried yet', TRY_IT);
  const when = `in the drill at ${localTime(drill.finishedAt)}`;
  if (drill.appServedAgain && !drill.appCrashed && drill.recoverySeconds !== null) {
    return passed('bonus-db-restart', `${when} the app served /feed again ${drill.recoverySeconds.toFixed(1)} s after the database returned, without restarting`);
  }
  return failed(
    'bonus-db-restart',
    drill.appCrashed ? `${when} the app crashed when the database went away` : `${when} the app did not serve /feed again after the database returned`,
    'a pool emits "error" when an idle connection breaks; without a listener that error ends the app. Handle it, then ' + TRY_IT,
  );
}
