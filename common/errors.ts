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
  NOTHING_TO_SUBMIT: 409,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export function codedError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: ERROR_CODES[code] }, ...extra } });
}

export const UserInputError = {
  /** A field that is wrong; `field` is the argument path, e.g. `inputs.3.durationSeconds`. */
  field: (field: string, problem: string) => codedError('BAD_USER_INPUT', `${field}: ${problem}`, { field }),
  invalid: (message: string) => codedError('BAD_USER_INPUT', message),
};

/** For @pothos/plugin-zod: the first issue as BAD_USER_INPUT naming the argument. */
export function zodArgumentError(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): GraphQLError {
  const issue = error.issues[0]!;
  return UserInputError.field(issue.path.map(String).join('.') || 'input', issue.message);
}
