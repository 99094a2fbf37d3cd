/**
 * "The app survives a database restart", judged by what happened in the last
 * `npm run chaos -- db`: the app served its probe route again after the database returned, and
 * its process did not crash. Saving the app or restarting the lab afterwards changes nothing:
 * the drill's outcome is what counts. The check itself never restarts the database.
 */
import { readDrills, type DatabaseDrillRecord } from '../chaos/drill-record.js';
import { localTime } from '../loadtest/figures.js';
import type { ScenarioDefinition } from '../scenario/definition.js';
import type { ScenarioStep, StepHints, StepVerdict } from '../scenario/steps.js';
import { failed, passed, skipped } from './step-verdicts.js';

const TRY_IT = 'run `npm run chaos -- db` while the lab runs, then check again';

export interface DatabaseRestartStepOptions {
  id: string;
  title: string;
  /** A bonus step (not required) is shown as "–" until the drill has run. */
  required: boolean;
  hints: StepHints;
  /** What to change when the app did not survive; the line goes on with ", then run the drill again". */
  advice: string;
}

/** The step, read from the drill's record only (it sends nothing). */
export function databaseRestartStep(scenario: ScenarioDefinition, options: DatabaseRestartStepOptions): ScenarioStep {
  return {
    id: options.id,
    title: options.title,
    required: options.required,
    hints: options.hints,
    needs: [],
    check: ({ drillsFile }) => judgeDatabaseRestart(readDrills(drillsFile).database, scenario.drills.databaseProbeRoute, options.advice),
  };
}

/** `route` is what the drill probed (the definition's drills.databaseProbeRoute). */
export function judgeDatabaseRestart(drill: DatabaseDrillRecord | undefined, route: string, advice: string): StepVerdict {
  if (!drill) return skipped('not tried yet', TRY_IT);
  const when = `in the drill at ${localTime(drill.finishedAt)}`;
  if (drill.appServedAgain && !drill.appCrashed && drill.recoverySeconds !== null) {
    return passed(`${when} the app served ${route} again ${drill.recoverySeconds.toFixed(1)} s after the database returned, without restarting`);
  }
  return failed(
    drill.appCrashed ? `${when} the app crashed when the database went away` : `${when} the app did not serve ${route} again after the database returned`,
    `${advice}, then ${TRY_IT}`,
  );
}
