/**
 * The roles of a scenario's fleet, read from its definition and checked once: entry files made
 * absolute, the default role filled in for a scenario that declares none, the engine's balancer
 * put in front of the role it balances, and the one process that answers on the app's port
 * picked out.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BalancerKind } from '../balancer/kinds.js';
import { BALANCER_ROUTES } from '../balancer/routes.js';
import { LabError } from '../errors.js';
import type { BalancerDefinition, ProcessRole, ScenarioDefinition } from './definition.js';

export interface FleetRole extends ProcessRole {
  /** The entry file, absolute. */
  entry: string;
  /** True for the process on the app's port: the balancer when there is one, else the first HTTP role that is no stand-in. */
  primary: boolean;
  /** Set for the engine's balancer: the role it spreads requests over, the learner's settings file (absolute), and the program that balances. */
  balances?: { role: string; settingsFile: string; kind: BalancerKind };
}

/** The role name the engine's balancer goes by. */
export const BALANCER_ROLE = 'balancer';
/** Where the engine's balancer serves its own metrics: its /metrics is an instance's, passed on. */
export const BALANCER_METRICS_PATH = BALANCER_ROUTES.metrics;
/** The engine's balancer process for each kind: its own (lab/balancer/main.ts), or nginx's sidecar, which runs nginx. */
const BALANCER_ENTRIES: Record<BalancerKind, string> = {
  'built-in': fileURLToPath(new URL('../balancer/main.ts', import.meta.url)),
  nginx: fileURLToPath(new URL('../balancer/nginx/main.ts', import.meta.url)),
};

/** Which balancer runs, and for nginx the folder its files go in (the lab's .lab/nginx/). */
export type BalancerChoice = { kind: 'built-in' } | { kind: 'nginx'; dir: string };

const ROLE_NAME = /^[a-z][a-z0-9-]*$/;
const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * The fleet's roles. An entry that is one of the learner's files (files.pristine) is read from
 * `learnerDir` (LAB_LEARNER_DIR: the tests run the shipped copies, never the learner's working
 * copy); any other (a stand-in in machinery/) from the scenario's folder.
 */
export function fleetRoles(definition: ScenarioDefinition, scenarioDir: string, learnerDir: string = scenarioDir, choice: BalancerChoice = { kind: 'built-in' }): FleetRole[] {
  const declared = definition.processes ?? [{ role: 'app', entry: definition.files.app, count: { default: 1, min: 1, max: 1 }, http: true }];
  const primaryIndex = declared.findIndex((role) => role.http && role.standIn === undefined);
  const problem = fleetProblem(declared, primaryIndex);
  if (problem) throw new LabError('SCENARIO_DEFINITION', `Scenario ${definition.number}'s processes: ${problem}.`);
  const { balancer } = definition;
  const balancerProblem = balancer ? balancerDefinitionProblem(balancer, declared, definition) : undefined;
  if (balancerProblem) throw new LabError('SCENARIO_DEFINITION', `Scenario ${definition.number}'s balancer: ${balancerProblem}.`);
  const roles: FleetRole[] = declared.map((role, index) => {
    const primary = !balancer && index === primaryIndex;
    const entry = path.resolve(role.entry in definition.files.pristine ? learnerDir : scenarioDir, role.entry);
    return { ...role, entry, primary };
  });
  if (!balancer) return roles;
  const balancerRole: FleetRole = {
    role: BALANCER_ROLE,
    entry: BALANCER_ENTRIES[choice.kind],
    count: { default: 1, min: 1, max: 1 },
    http: true,
    primary: true,
    balances: { role: balancer.balances, settingsFile: path.resolve(learnerDir, balancer.settings), kind: choice.kind },
    ...(choice.kind === 'nginx' ? { env: { LAB_NGINX_DIR: choice.dir } } : {}),
  };
  return [balancerRole, ...roles];
}

function balancerDefinitionProblem(balancer: BalancerDefinition, declared: readonly ProcessRole[], definition: ScenarioDefinition): string | undefined {
  const balanced = declared.find((role) => role.role === balancer.balances);
  if (!balanced) return `it balances "${balancer.balances}", which is not one of the scenario's roles`;
  if (!balanced.http || balanced.standIn) return `it balances "${balancer.balances}", which must serve HTTP and be no stand-in`;
  if (declared.some((role) => role.role === BALANCER_ROLE)) return `a role is already named "${BALANCER_ROLE}", the name the engine's balancer takes`;
  if (!(balancer.settings in definition.files.pristine)) return `its settings file "${balancer.settings}" must be one of the learner's files (files.pristine)`;
  return undefined;
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

/** The role whose file is "your code" on the banner: the one behind the balancer, else the one on the app's port. */
export function appRole(roles: readonly FleetRole[]): FleetRole {
  const balanced = primaryRole(roles).balances?.role;
  return roles.find((role) => role.role === balanced) ?? primaryRole(roles);
}
