/**
 * The error catalog of both services: every `extensions.code` a client can receive, defined once
 * with the HTTP status it answers with and whether the same request may succeed later. The README's
 * Errors table is this table; a test holds them equal. Anything thrown that is not a GraphQLError is
 * masked for clients ("Unexpected error.", INTERNAL_SERVER_ERROR) and logged for operators.
 */
import { GraphQLError } from 'graphql';

export interface ErrorSpec {
  status: number;
  /** Whether the same request may succeed later, unchanged; the submission client retries by this. */
  retryable: boolean;
  /** One line for the README: when a client gets it and what to do. */
  meaning: string;
}

export const ERROR_CODES = {
  BAD_REQUEST: {
    status: 400,
    retryable: false,
    meaning:
      'the HTTP request is not a GraphQL request: a body that is not JSON, no `query`, `variables` not an object, an `operationName` naming no operation',
  },
  BAD_USER_INPUT: {
    status: 400,
    retryable: false,
    meaning: 'an argument, input field or variable is wrong; `extensions.field` names it where one field is to blame',
  },
  GRAPHQL_PARSE_FAILED: { status: 400, retryable: false, meaning: 'the query is not valid GraphQL syntax' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, retryable: false, meaning: 'the query does not fit the schema (an unknown field, a missing argument, …)' },
  QUERY_TOO_DEEP: {
    status: 400,
    retryable: false,
    meaning:
      'selections nest deeper than the limit in `extensions.limit`, or brackets (list and object values included) nest deeper than 64, refused before parsing',
  },
  QUERY_TOO_COMPLEX: {
    status: 400,
    retryable: false,
    meaning: 'the estimated cost of the query exceeds `extensions.limit`; ask for fewer fields or a smaller `first`',
  },
  TOO_MANY_ALIASES: { status: 400, retryable: false, meaning: 'the query uses more aliases than `extensions.limit`' },
  TOO_MANY_DIRECTIVES: { status: 400, retryable: false, meaning: 'the query uses more directives than `extensions.limit`' },
  TOO_MANY_TOKENS: { status: 400, retryable: false, meaning: 'the query text has more tokens than `extensions.limit`' },
  UNAUTHENTICATED: { status: 401, retryable: false, meaning: 'a required key or secret header is missing or unknown (aggregator)' },
  FORBIDDEN: {
    status: 403,
    retryable: false,
    meaning:
      'not allowed: statistics are not enabled (local), a secret that does not match or a missing admin key (aggregator), or a GET or form POST without the `X-GraphQL-Yoga-CSRF` header',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    retryable: false,
    meaning: 'a mutation sent with GET, or a method other than GET and POST; the `Allow` header says which',
  },
  NOTHING_TO_SUBMIT: {
    status: 409,
    retryable: true,
    meaning: 'no whole UTC day has passed since the last report (local `submitUsageReport`); try again after `extensions.nextSubmissionAt`',
  },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false, meaning: 'the request body is larger than the server accepts (aggregator: `AGGREGATOR_MAX_BODY_BYTES`)' },
  RATE_LIMITED: {
    status: 429,
    retryable: true,
    meaning:
      'too many reports, or too many failed authentications from one address (aggregator); retry after the `Retry-After` header (also `extensions.retryAfterSeconds`)',
  },
  INTERNAL_SERVER_ERROR: { status: 500, retryable: true, meaning: 'anything unexpected: the message is masked as "Unexpected error." and the cause is logged' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    retryable: true,
    meaning: 'the database could not take the write (locked, full, gone) or cannot be reached (refused, timed out); nothing was stored',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

export interface CodedErrorOptions {
  /** Response headers the refusal needs, e.g. Retry-After. */
  headers?: Record<string, string>;
}

/** A refusal with its code; the status comes from the catalog. */
export function codedError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}, options: CodedErrorOptions = {}): GraphQLError {
  const http = { status: ERROR_CODES[code].status, ...(options.headers ? { headers: options.headers } : {}) };
  return new GraphQLError(message, { extensions: { ...extra, code, http } });
}

/** A refusal answered before GraphQL runs (a body too large), shaped like any GraphQL error response. */
export function errorResponse(code: ErrorCode, message: string): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status: ERROR_CODES[code].status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

export const UserInputError = {
  /** A field that is wrong; `field` is the argument path, e.g. `inputs.3.durationSeconds`. */
  field: (field: string, problem: string) => codedError('BAD_USER_INPUT', `${field}: ${problem}`, { field }),
  invalid: (message: string) => codedError('BAD_USER_INPUT', message),
};

/** For @pothos/plugin-zod: the first issue as BAD_USER_INPUT naming the argument. */
export function zodArgumentError(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): GraphQLError {
  const issue = error.issues[0];
  return UserInputError.field(issue.path.map(String).join('.') || 'input', issue.message);
}
