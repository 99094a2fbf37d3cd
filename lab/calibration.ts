/**
 * Sizes the scenario's dataset to the machine on the lab's first start.
 *
 * A lesson about slow queries needs the unindexed state to be slow in SECONDS under the load
 * test's users, on this machine, whatever its speed: clearly seconds, clearly under the load
 * test's patience. By Little's law the wait is the users ÷ the requests answered per second. So
 * after seeding the default size, the lab runs exactly that state for a few seconds — the
 * scenario's solution on the unindexed data (its `calibration.state`, "a pool alone") under the
 * load test's users from the load generator, all sharing this machine's cores as they will in
 * the learner's run — and scales the dataset's unit (`dataset.unit`, "posts") through its
 * `unitSteps` until the predicted wait sits in the definition's band (`calibration`).
 */
import { startApp, writePristineScenario } from './app-runner.js';
import { LabError } from './errors.js';
import type { Lab } from './lab.js';
import { startLoad, type LoadTarget } from './loadtest/generator.js';
import { undoLoadTestWrites } from './loadtest/undo-writes.js';
import type { ScenarioDefinition } from './scenario/definition.js';

/** What a calibration reads from a definition: one that has a calibration. */
export type CalibrationFacts = Pick<ScenarioDefinition, 'dataset' | 'loadTest'> & { calibration: NonNullable<ScenarioDefinition['calibration']> };

/**
 * A first start seeds at most once more after its first guess: the table's cost is not linear
 * in its size (a smaller table may fit in memory), so chasing the band round after round could
 * reseed back and forth. The new size is timed once more, to report the wait it gives.
 */
export const MAX_RESEEDS = 1;
const WARM_UP_SECONDS = 1.5;
const MEASURE_SECONDS = 4;

export interface CalibrationDecision {
  /** Requests per second the timed state answered at the current size. */
  measuredRequestsPerSecond: number;
  /** Users ÷ measured requests/s: the wait at the current size. */
  predictedWaitSeconds: number;
  /** How many of the dataset's unit ("posts") to keep or seed. */
  size: number;
  changed: boolean;
  reason: string;
}

/**
 * What the calibration sends: the load test's users with its patience, on the load test's
 * traffic mix when the scenario has one (what the learner's run will send), else on the
 * calibration's route.
 */
export function calibrationLoad(definition: CalibrationFacts): LoadTarget & { users: number; requestTimeoutSeconds: number } {
  const { users, requestTimeoutSeconds, mix } = definition.loadTest;
  return { ...(mix ? { routes: mix } : { route: definition.calibration.route }), users, requestTimeoutSeconds };
}

/** Pure decision: the size that brings the predicted wait into the definition's band. */
export function chooseSize(currentSize: number, measuredRequestsPerSecond: number, definition: CalibrationFacts): CalibrationDecision {
  const { state, targetWaitSeconds, keepWaitSeconds } = definition.calibration;
  const predicted = calibrationLoad(definition).users / measuredRequestsPerSecond;
  const base = { measuredRequestsPerSecond, predictedWaitSeconds: predicted };
  if (predicted >= keepWaitSeconds.min && predicted <= keepWaitSeconds.max) {
    // The predicted wait itself, not a phrase for the band: 1.2 s is not "a few seconds".
    return { ...base, size: currentSize, changed: false, reason: `${state} would make users wait about ${predicted.toFixed(1)} s: the lesson shows as it is` };
  }
  // The scan's cost grows with the table, so the wait scales with the row count.
  const size = nearestStep((currentSize * targetWaitSeconds) / predicted, definition.dataset.unitSteps);
  const speed = predicted < keepWaitSeconds.min ? 'fast' : 'slow';
  return {
    ...base,
    size,
    changed: size !== currentSize,
    reason:
      `this machine is ${speed} for ${currentSize.toLocaleString('en-US')} ${definition.dataset.unit}: ` +
      `${state} would make users wait about ${predicted.toFixed(1)} s; aiming for about ${targetWaitSeconds} s`,
  };
}

/** The step closest to the wanted size, measured as a ratio (so 14,000 is nearer 15,000 than 10,000). */
export function nearestStep(wanted: number, steps: readonly number[]): number {
  let best = steps[0]!;
  for (const step of steps) if (Math.abs(Math.log(step / wanted)) < Math.abs(Math.log(best / wanted))) best = step;
  return best;
}

/**
 * Runs the timed state for a few seconds: the solution's server (pristine copy, never the
 * learner's) on the unindexed data, under the load test's users on loopback. Returns the
 * requests answered per second after a warm-up. Bounded in time; stops the server it started.
 */
export async function measureRequestsPerSecond(lab: Lab, appDatabaseUrl: string): Promise<number> {
  const { scenario } = lab;
  if (!scenario.calibration) throw new LabError('SCENARIO_DEFINITION', `Scenario ${scenario.number} has no calibration to time.`);
  const facts = { ...scenario, calibration: scenario.calibration };
  // A mix draws its parameters (ids, …) from the dataset's size, as the load test does.
  const size = await scenario.dataset.seededSize(appDatabaseUrl);
  const app = await startApp(writePristineScenario(lab).fixedServer, appDatabaseUrl);
  try {
    // Requests completed at the first reading after the warm-up, and at the last reading.
    let first: { seconds: number; completed: number } | undefined;
    let last: { seconds: number; completed: number } | undefined;
    await startLoad({
      port: app.port,
      ...calibrationLoad(facts),
      ...(size ? { size } : {}),
      durationSeconds: WARM_UP_SECONDS + MEASURE_SECONDS,
      onProgress: (progress) => {
        if (progress.elapsedSeconds < WARM_UP_SECONDS) return;
        const reading = { seconds: progress.elapsedSeconds, completed: progress.succeeded + progress.failed };
        first ??= reading;
        last = reading;
      },
    }).finished;
    if (!first || !last || last.seconds <= first.seconds) throw new Error('the calibration load took too few readings to time the app');
    return (last.completed - first.completed) / (last.seconds - first.seconds);
  } finally {
    await app.stop();
    // A mix that writes leaves the data as the seed made it, as the load test does.
    await undoLoadTestWrites(scenario, appDatabaseUrl);
  }
}

export interface DatasetCalibration {
  /** One decision per round, in order; the last one's size is what the database holds now. */
  decisions: CalibrationDecision[];
  size: number;
}

/**
 * Times the state at the current size and reseeds once if the predicted wait is outside the
 * band; then times the new size once, to report it (and leaves it, whatever it shows: see
 * MAX_RESEEDS). `reseed` fills the database with that many of the unit; `measure` times the
 * state (the real one unless a test gives its own).
 */
export async function calibrateDataset(
  lab: Lab,
  appDatabaseUrl: string,
  currentSize: number,
  reseed: (size: number) => Promise<void>,
  log: (line: string) => void = () => undefined,
  measure: (appDatabaseUrl: string) => Promise<number> = (url) => measureRequestsPerSecond(lab, url),
): Promise<DatasetCalibration> {
  const { calibration } = lab.scenario;
  if (!calibration) return { decisions: [], size: currentSize };
  const scenario = { ...lab.scenario, calibration };
  const { unit } = scenario.dataset;
  const decisions: CalibrationDecision[] = [];
  let size = currentSize;
  for (let reseeds = 0; ; reseeds += 1) {
    log(`Timing ${scenario.calibration.state} under ${calibrationLoad(scenario).users} users on this machine, to size the table for the lesson…`);
    const decision = chooseSize(size, await measure(appDatabaseUrl), scenario);
    if (reseeds === MAX_RESEEDS && decision.changed) {
      decisions.push({ ...decision, size, changed: false });
      log(`${decision.measuredRequestsPerSecond.toFixed(0)} requests/s answered → ${scenario.calibration.state} would make users wait about ${decision.predictedWaitSeconds.toFixed(1)} s at ${size.toLocaleString('en-US')} ${unit}; keeping it (change it any time: npm run seed -- --${unit} N).`);
      break;
    }
    decisions.push(decision);
    log(`${decision.measuredRequestsPerSecond.toFixed(0)} requests/s answered → ${decision.reason}.`);
    if (!decision.changed) break;
    log(`Seeding ${decision.size.toLocaleString('en-US')} ${unit} instead (change it any time: npm run seed -- --${unit} N).`);
    await reseed(decision.size);
    size = decision.size;
  }
  return { decisions, size };
}
