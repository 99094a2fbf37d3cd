/**
 * Errors the lab's commands show to a person: one line saying what happened and what to do.
 * The command entry points print `message` alone (no stack trace) and exit with `exitCode`.
 */
export class LabError extends Error {
  override readonly name = 'LabError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
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

/** Runs a command's main function and exits with its code, printing failures readably. */
export function runCommand(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      process.exitCode = reportFatal(error);
    },
  );
}
