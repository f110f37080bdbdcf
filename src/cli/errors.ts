/**
 * Exit codes of `printernizer-stats` (the README's "Command line" section lists them). 0, 1 and 2
 * follow the convention; 3 and 4 let a script tell "not allowed now" from a failure.
 */
export const EXIT = {
  OK: 0,
  /** The operation failed: an error from the API, an unreachable server, a bad configuration. */
  FAILURE: 1,
  /** The command line is wrong: unknown command or option, a bad value, a missing confirmation. */
  USAGE: 2,
  /** Refused because statistics are off (no consent, or a kill switch): `submit`. */
  STATISTICS_OFF: 3,
  /** Nothing to submit yet: no whole UTC day since the last report. Try again later. */
  NOTHING_TO_SUBMIT: 4,
  /** Stopped by Ctrl-C (128 + SIGINT). */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports on stderr as one line, then exits with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.FAILURE,
    /** The API's `extensions.code`, when the error came from it. */
    readonly code?: string,
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
  }

  static usage(message: string): CliError {
    return new CliError(message, EXIT.USAGE, 'USAGE');
  }
}

/** Which exit code an API error code maps to. */
export function exitCodeFor(code: string | undefined): ExitCode {
  switch (code) {
    case 'BAD_USER_INPUT':
      return EXIT.USAGE;
    case 'FORBIDDEN':
      return EXIT.STATISTICS_OFF;
    case 'NOTHING_TO_SUBMIT':
      return EXIT.NOTHING_TO_SUBMIT;
    default:
      return EXIT.FAILURE;
  }
}
