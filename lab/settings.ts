/**
 * Settings a person may change through environment variables, read and checked in one
 * place so a bad value gets one clear line instead of a confusing failure later.
 */
import { DEFAULT_APP_PORT, DEFAULT_LAB_PORT, DEFAULT_PG_PORT } from './config.js';
import { LabError } from './errors.js';
import { BALANCER_CHOICES, balancerKind, type BalancerKind } from './balancer/kinds.js';

export interface LabSettings {
  appPort: number;
  labPort: number;
  embeddedPgPort: number;
  /** Where the app and the lab server listen (HOST): loopback unless you say otherwise. */
  appHost: string;
  /** Fit the scenario to this machine on the first start: its data's size, or its load test's rate (LAB_CALIBRATE=off keeps the defaults). */
  calibrate: boolean;
  /** Set: use this PostgreSQL and start none. */
  externalDatabaseUrl?: string;
  /** The program in front of the instances, in a scenario with a load balancer (LAB_BALANCER; `npm start -- --balancer` overrides it). */
  balancer: BalancerKind;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): LabSettings {
  const externalDatabaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (externalDatabaseUrl) checkDatabaseUrl(externalDatabaseUrl);
  return {
    appPort: readPort(env, 'PORT', DEFAULT_APP_PORT),
    labPort: readPort(env, 'LAB_PORT', DEFAULT_LAB_PORT),
    embeddedPgPort: readPort(env, 'LAB_DB_PORT', DEFAULT_PG_PORT),
    appHost: env.HOST?.trim() || '127.0.0.1',
    calibrate: env.LAB_CALIBRATE?.trim().toLowerCase() !== 'off',
    balancer: readBalancer(env),
    ...(externalDatabaseUrl ? { externalDatabaseUrl } : {}),
  };
}

/** A port from the environment variable, the fallback when it is unset, one line when it is no port. */
export function readPort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new LabError('BAD_SETTING', `${name}=${raw} is not a port number; use a whole number from 1 to 65535, e.g. ${name}=${fallback}.`);
  }
  return port;
}

function readBalancer(env: NodeJS.ProcessEnv): BalancerKind {
  const raw = env.LAB_BALANCER?.trim();
  if (!raw) return 'built-in';
  const kind = balancerKind(raw);
  if (!kind) throw new LabError('BAD_SETTING', `LAB_BALANCER=${raw} is not a balancer the lab runs; use ${BALANCER_CHOICES}.`);
  return kind;
}

function checkDatabaseUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LabError('BAD_SETTING', 'DATABASE_URL is not a URL; expected postgres://user:password@host:5432/database.');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new LabError('BAD_SETTING', `DATABASE_URL starts with "${parsed.protocol}//"; expected postgres://user:password@host:5432/database.`);
  }
}
