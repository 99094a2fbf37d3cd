/**
 * The roles of a scenario's fleet, read from its definition and checked once: entry files made
 * absolute, the default role filled in for a scenario that declares none, and the one process
 * that answers on the app's port picked out.
 */
import path from 'node:path';
import { LabError } from '../errors.js';
import type { ProcessRole, ScenarioDefinition } from './definition.js';

export interface FleetRole extends ProcessRole {
  /** The entry file, absolute. */
  entry: string;
  /** True for the first HTTP role that is no stand-in: its first process listens on the app's port. */
  primary: boolean;
}

const ROLE_NAME = /^[a-z][a-z0-9-]*$/;
const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * The fleet's roles. An entry that is one of the learner's files (files.pristine) is read from
 * `learnerDir` (LAB_LEARNER_DIR: the tests run the shipped copies, never the learner's working
 * copy); any other (a stand-in in machinery/) from the scenario's folder.
 */
export function fleetRoles(definition: ScenarioDefinition, scenarioDir: string, learnerDir: string = scenarioDir): FleetRole[] {
  const declared = definition.processes ?? [{ role: 'app', entry: definition.files.app, count: { default: 1, min: 1, max: 1 }, http: true }];
  const primaryIndex = declared.findIndex((role) => role.http && role.standIn === undefined);
  const problem = fleetProblem(declared, primaryIndex);
  if (problem) throw new LabError('SCENARIO_DEFINITION', `Scenario ${definition.number}'s processes: ${problem}.`);
  return declared.map((role, index) => {
    const primary = index === primaryIndex;
    const entry = path.resolve(role.entry in definition.files.pristine ? learnerDir : scenarioDir, role.entry);
    return { ...role, entry, primary };
  });
}

function fleetProblem(declared: readonly ProcessRole[], primaryIndex: number): string | undefined {
  if (primaryIndex < 0) return 'no role but a stand-in serves HTTP (http: true), so nothing answers the load test';
  const seen = new Set<string>();
  for (const { role, count, http, standIn } of declared) {
    if (!ROLE_NAME.test(role)) return `"${role}" is not a role name (lowercase letters, digits and dashes, e.g. "worker")`;
    if (seen.has(role)) return `the role "${role}" is declared twice`;
    seen.add(role);
    const whole = [count.min, count.default, count.max].every(Number.isInteger);
    if (!whole || count.min < 0 || count.min > count.default || count.default > count.max) {
      return `${role}'s count needs whole numbers with 0 ≤ min ≤ default ≤ max (it has ${count.min}, ${count.default}, ${count.max})`;
    }
    if (standIn) {
      if (!http || count.min !== 1 || count.max !== 1) return `${role} is a stand-in, so it serves HTTP (http: true) and runs exactly once (count 1, 1, 1)`;
      if (!VARIABLE_NAME.test(standIn.urlVariable)) return `${role}'s urlVariable "${standIn.urlVariable}" is not an environment variable name (e.g. MAIL_API_URL)`;
    }
  }
  if (declared[primaryIndex]!.count.min < 1) return `${declared[primaryIndex]!.role} answers on the app's port, so its count.min must be at least 1`;
  return undefined;
}

/** A process's name, "worker-2": its role and its number, counted from 1. */
export function processName(role: string, index: number): string {
  return `${role}-${index}`;
}

/** The role of the process on the app's port. */
export function primaryRole(roles: readonly FleetRole[]): FleetRole {
  return roles.find((role) => role.primary)!;
}
