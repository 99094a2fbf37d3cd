/**
 * The load test's command line: `--users` or `--rate`, `--duration`, `--route`, `--label`, `--json`,
 * `--help`. Anything else, or a value out of range, is a one-line LabError with exit code 2.
 */
import { parseArgs } from 'node:util';
import { usageError } from '../errors.js';
import type { LoadRoute } from '../scenario/definition.js';
import { findRoute, isAppPath, plainRoute } from './mix.js';

/** The scenario's load test (its definition's loadTest); the command line may change users, duration and route. */
export interface LoadTestDefaults {
  users: number;
  /** A rate sent by default instead of users (the scenario's loadTest.ratePerSecond). */
  ratePerSecond?: number;
  durationSeconds: number;
  /** The one path every user asks for, when there is no mix. */
  route: string;
  /** The traffic mix sent by default, when the scenario has one. */
  mix?: LoadRoute[];
  requestTimeoutSeconds: number;
}

export interface LoadTestOptions {
  users: number;
  /** Set by --rate: send this many requests a second, whatever the app answers (an open model), instead of users. */
  ratePerSecond?: number;
  durationSeconds: number;
  requestTimeoutSeconds: number;
  /** What this run sends: the whole mix, one route of it, or one path. */
  routes: LoadRoute[];
  label?: string;
  json: boolean;
  help: boolean;
}

/** Exit code for a command line we cannot use (as most CLI tools do). */
export const USAGE_EXIT_CODE = 2;

export const LIMITS = {
  users: { min: 1, max: 1_000 },
  // One connection per request in flight: a rate the app cannot keep up with piles them up.
  ratePerSecond: { min: 1, max: 1_000 },
  // Every run is bounded in time; ten minutes is far more than any step of the lab needs.
  durationSeconds: { min: 1, max: 600 },
  labelLength: 40,
  routeLength: 200,
} as const;

export function parseLoadTestArgs(argv: string[], defaults: LoadTestDefaults): LoadTestOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        users: { type: 'string', short: 'u' },
        rate: { type: 'string' },
        duration: { type: 'string', short: 'd' },
        route: { type: 'string', short: 'r' },
        label: { type: 'string', short: 'l' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw loadTestUsageError(`${firstLine(error)}.`);
  }
  const options: LoadTestOptions = {
    users: defaults.users,
    durationSeconds: defaults.durationSeconds,
    requestTimeoutSeconds: defaults.requestTimeoutSeconds,
    routes: defaults.mix ?? [plainRoute(defaults.route)],
    json: values.json === true,
    help: values.help === true,
  };
  if (typeof values.users === 'string' && typeof values.rate === 'string') {
    throw loadTestUsageError('--users and --rate cannot be used together: --users keeps N users waiting on answers, --rate sends N requests a second whatever the answers.');
  }
  if (typeof values.users === 'string') options.users = wholeNumber('--users', values.users, LIMITS.users);
  if (typeof values.rate === 'string') options.ratePerSecond = wholeNumber('--rate', values.rate, LIMITS.ratePerSecond);
  else if (typeof values.users !== 'string' && defaults.ratePerSecond !== undefined) options.ratePerSecond = defaults.ratePerSecond;
  if (typeof values.duration === 'string') options.durationSeconds = wholeNumber('--duration', values.duration, LIMITS.durationSeconds);
  if (typeof values.route === 'string') options.routes = [route(values.route, defaults)];
  if (typeof values.label === 'string') options.label = label(values.label);
  return options;
}

function wholeNumber(flag: string, raw: string, range: { min: number; max: number }): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < range.min || value > range.max) {
    throw loadTestUsageError(`${flag} ${JSON.stringify(raw)} is not a whole number from ${range.min} to ${range.max}.`);
  }
  return value;
}

/** A route of the mix by its name or path, else a plain path on the app (GET). */
function route(raw: string, defaults: LoadTestDefaults): LoadRoute {
  const ofTheMix = defaults.mix && findRoute(defaults.mix, raw);
  if (ofTheMix) return ofTheMix;
  if (isAppPath(raw) && raw.length <= LIMITS.routeLength) return plainRoute(raw);
  if (!defaults.mix) throw loadTestUsageError(`--route ${JSON.stringify(raw)} is not a path on the app; use one like ${defaults.route}.`);
  const names = defaults.mix.map((route) => JSON.stringify(route.name)).join(', ');
  throw loadTestUsageError(`--route ${JSON.stringify(raw)} is neither a route of the mix (${names}) nor a path on the app; use one like ${defaults.route}.`);
}

function label(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > LIMITS.labelLength || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw loadTestUsageError(`--label must be 1 to ${LIMITS.labelLength} printable characters, e.g. --label "pool only".`);
  }
  return trimmed;
}

/** A command line the load test cannot use: the one usage error of every command, pointing to --help. */
function loadTestUsageError(problem: string) {
  return usageError(problem, 'See `npm run loadtest -- --help`.');
}

/** The first line of an error's message, without its closing full stop (node:util's parseArgs errors run on). */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).replace(/\.$/, '');
}
