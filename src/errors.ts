/**
 * The error catalog: every code a client can act on, defined once. Anything thrown that is not a
 * GraphQLError is masked for clients ("Unexpected error.") and logged for operators.
 */
import { GraphQLError } from 'graphql';

export const ERROR_CODES = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export function codedError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra, http: { status: ERROR_CODES[code] } } });
}

export const UserInputError = {
  /** A field that is wrong; `field` is the argument path, e.g. `inputs.3.durationSeconds`. */
  field: (field: string, problem: string) => codedError('BAD_USER_INPUT', `${field}: ${problem}`, { field }),
  invalid: (message: string) => codedError('BAD_USER_INPUT', message),
};

export const StorageError = {
  /** The database could not take the write (locked, full, gone); nothing was stored. */
  unavailable: (what: string) =>
    codedError('SERVICE_UNAVAILABLE', `Usage statistics storage is unavailable; ${what} was not stored. Try again later.`),
};

export const ConsentError = {
  notEnabled: (reason: string) => codedError('FORBIDDEN', `Usage statistics are not enabled: ${reason}.`),
};
