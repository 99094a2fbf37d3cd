/**
 * Bonus: the app survives a database restart. Judged from the last `npm run chaos -- db`,
 * and only when that drill ran against the app process serving now (saving server.ts
 * starts a new process, which has not been through a restart yet). The check itself never
 * restarts the database: it leaves no state behind.
 */
import { readDrills } from '../chaos/drill-record.js';
import { failed, passed, skipped, type StepResult } from './types.js';

const TRY_IT = 'run `npm run chaos -- db` while the lab runs, then check again';

export function checkDatabaseRestart(drillsFile: string, currentAppPid: number | undefined): StepResult {
  const drill = readDrills(drillsFile).database;
  if (!drill) return skipped('bonus-db-restart', 'not tried yet', TRY_IT);
  const when = drill.finishedAt.slice(11, 16);
  const sameProcess = drill.appPid !== undefined && drill.appPid === currentAppPid;
  if (drill.appServedAgain && drill.recoverySeconds !== null) {
    const outcome = `in the drill at ${when} UTC the app served /feed again ${drill.recoverySeconds.toFixed(1)} s after the database returned`;
    if (sameProcess) return passed('bonus-db-restart', outcome);
    return skipped('bonus-db-restart', `${outcome}, but the app has restarted since (a save?)`, TRY_IT);
  }
  const outcome = drill.appCrashed
    ? `in the drill at ${when} UTC the app crashed when the database went away`
    : `in the drill at ${when} UTC the app did not serve /feed again after the database returned`;
  return failed(
    'bonus-db-restart',
    sameProcess ? outcome : `${outcome} (an earlier app process)`,
    'a pool emits "error" when an idle connection breaks; without a listener that error ends the app. Handle it, then ' + TRY_IT,
  );
}
