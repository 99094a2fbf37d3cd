/**
 * Every error the lab's commands show to a person, in one place (as fastify keeps its own):
 * each has a code, and its code decides the exit code — 2 for a command line the lab cannot
 * use, 1 for everything else. The message is one line saying what happened and what to do;
 * the command entry points print it alone (no stack trace). Tests assert the codes.
 */

/** The codes, each with its exit code and when it is raised. */
export const ERROR_CODES = {
  /** A command needs the running lab (or DATABASE_URL) and finds neither. */
  LAB_NOT_RUNNING: 1,
  /** `npm start` while another lab of the same scenario runs. */
  LAB_ALREADY_RUNNING: 1,
  /** An option, an argument or a value on the command line the command cannot use. */
  USAGE: 2,
  /** An environment variable (PORT, DATABASE_URL, LAB_OS, …) with a value the lab cannot use. */
  BAD_SETTING: 1,
  /** A port the lab needs is taken by another program. */
  PORT_TAKEN: 1,
  /** The database (embedded or DATABASE_URL) cannot be reached or used. */
  DATABASE_UNREACHABLE: 1,
  /** Something only the embedded database can do, asked of a DATABASE_URL server. */
  EXTERNAL_DATABASE: 1,
  /** The embedded PostgreSQL cannot run here (binaries missing, no rights, an administrator terminal). */
  POSTGRES_CANNOT_RUN: 1,
  /** `--scenario` names no scenario of the series. */
  UNKNOWN_SCENARIO: 2,
  /** A scale or kill the running lab's fleet cannot do: a role it does not have, a count outside the role's range. */
  FLEET_REFUSED: 1,
  /** A drill the lab server refused or could not run. */
  DRILL_FAILED: 1,
  /** Nothing answers on the app's port when a load is about to start. */
  APP_NOT_ANSWERING: 1,
  /** A second load test while one runs: they would measure each other. */
  LOAD_TEST_BUSY: 1,
  /** A scenario's definition the engine cannot use (a load-test route without a value it names, …). */
  SCENARIO_DEFINITION: 1,
  /** A figure this system cannot show (the benchmark's memory or CPU readings). */
  MEASUREMENT_UNAVAILABLE: 1,
  /** The balancer's settings file (nginx's vocabulary) has a line the balancer cannot use. */
  BALANCER_CONFIG: 1,
  /** The file listing the app's instances, which the lab writes for the balancer, is missing or unreadable. */
  BALANCER_UPSTREAMS: 1,
  /** The first start could not time the app to set the load test's rate for this machine. */
  CALIBRATION: 1,
  /** The balancer program asked for (`--balancer nginx`) is not installed, or would not run. */
  BALANCER_PROGRAM: 1,
  /** A drill needs something of the operating system that this one does not offer (holding a process to one core). */
  NOT_ON_THIS_SYSTEM: 1,
} as const;

export type LabErrorCode = keyof typeof ERROR_CODES;

export class LabError extends Error {
  override readonly name = 'LabError';
  readonly exitCode: number;
  constructor(
    readonly code: LabErrorCode,
    message: string,
  ) {
    super(message);
    this.exitCode = ERROR_CODES[code];
  }
}

/** The lab is not running; `then` says what to run again once it is ("run `npm run check` again"). */
export function labNotRunning(then: string): LabError {
  return new LabError('LAB_NOT_RUNNING', `The lab is not running. Start it with \`npm start\` in another terminal, then ${then}.`);
}

/** A command line the command cannot use, in one line: what is wrong, then the command's usage line. */
export function usageError(problem: string, usage: string): LabError {
  const sentence = /[.?!]$/.test(problem) ? problem : `${problem}.`;
  return new LabError('USAGE', `${sentence} ${usage}`);
}

/** Prints a LabError as one line; anything else as an unexpected error with its stack. */
export function reportFatal(error: unknown): number {
  if (error instanceof LabError) {
    console.error(`✘ ${error.message}`);
    return error.exitCode;
  }
  console.error('✘ Unexpected error (please report it):');
  console.error(error);
  return 1;
}

