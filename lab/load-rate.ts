/**
 * The load test's rate for this machine, as the first start measured it (rate-calibration.ts)
 * and kept in the lab's state folder: every command that opens the lab (openLab) reads it here,
 * so the load test, the checks and the help all send the same rate. Light on purpose (no load
 * generator, no app runner): every command imports it.
 */
import { readJsonFile } from './json-file.js';
import type { ScenarioDefinition } from './scenario/definition.js';

/** What the first start measured, as load-rate.json keeps it. */
export interface RateCalibration {
  /** The load test's rate on this machine. */
  ratePerSecond: number;
  /** One process's CPU time per request of the load test's traffic, in milliseconds. */
  cpuMillisecondsPerRequest: number;
  measuredAt: string;
}

/** The calibration a first start kept, if any (a file that is not one is ignored: the next start measures again). */
export function readRateCalibration(file: string): RateCalibration | undefined {
  const kept = readJsonFile<Partial<RateCalibration> | undefined>(file, undefined);
  if (!kept || typeof kept.ratePerSecond !== 'number' || !(kept.ratePerSecond >= 1)) return undefined;
  if (typeof kept.cpuMillisecondsPerRequest !== 'number' || typeof kept.measuredAt !== 'string') return undefined;
  return { ratePerSecond: Math.round(kept.ratePerSecond), cpuMillisecondsPerRequest: kept.cpuMillisecondsPerRequest, measuredAt: kept.measuredAt };
}

/**
 * Sets the kept rate as the scenario's load-test rate, in the definition itself: the scenario's
 * own modules (its steps, the goal's load) import that object, and must send the rate the load
 * test sends. Only for a scenario that asks for a calibrated rate; nothing kept, nothing changes.
 */
export function applyCalibratedRate(scenario: ScenarioDefinition, calibration: RateCalibration | undefined): void {
  if (!scenario.loadTest.rateCalibration || !calibration) return;
  scenario.loadTest.ratePerSecond = calibration.ratePerSecond;
}
