/**
 * The load test's rate for this machine, as the first start measured it (rate-calibration.ts)
 * and kept in the lab's state folder: every command that opens the lab reads it here, so the
 * load test, the checks and the help all send the same rate. Light on purpose (no load
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

/** The scenario as this machine runs it: its load test at the kept rate, when it has one. */
export function withCalibratedRate(scenario: ScenarioDefinition, calibration: RateCalibration | undefined): ScenarioDefinition {
  if (!scenario.loadTest.rateCalibration || !calibration) return scenario;
  return { ...scenario, loadTest: { ...scenario.loadTest, ratePerSecond: calibration.ratePerSecond } };
}

