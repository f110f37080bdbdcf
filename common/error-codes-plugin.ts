import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

import { isDatabaseUnavailable } from './db-errors.js';
import { ERROR_CODES, isErrorCode, type ErrorCode } from './errors.js';
import type { Logger } from './logger.js';

const rebuild = (e: GraphQLError, message: string, extensions: Record<string, unknown>) =>
  new GraphQLError(message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions });

const withCode = (e: GraphQLError, code: ErrorCode) => rebuild(e, e.message, { ...e.extensions, code });

/** The same error without an HTTP status of its own, so that it does not set the answer's status. */
function withoutStatus(e: GraphQLError): GraphQLError {
  const { http, ...extensions } = e.extensions as { http?: { headers?: Record<string, string> } };
  return rebuild(e, e.message, http?.headers ? { ...extensions, http: { headers: http.headers } } : extensions);
}

/** True when at least one root field of `data` holds a value. */
const answeredSomething = (data: ExecutionResult['data']) => !!data && Object.values(data).some((v) => v !== null);

const lacksCode = (e: GraphQLError) => typeof e.extensions?.code !== 'string';

/**
 * graphql-js repeats the offending value in its messages ('got invalid value "…"', 'found "…"').
 * Where inputs must never be echoed (the aggregator), only the path is kept.
 */
function redact(e: GraphQLError): GraphQLError {
  const path = /got invalid value .*? at "([^"]+)"/s.exec(e.message)?.[1];
  const variable = /^Variable "(\$[^"]+)"/.exec(e.message)?.[1];
  let message = e.message;
  if (variable && / got invalid value /.test(message)) message = `Variable "${variable}" got an invalid value${path ? ` at "${path}"` : ''}.`;
  else message = message.replace(/, found .*$/s, '.').replace(/got invalid value .*$/s, 'got an invalid value.');
  return rebuild(e, message, path ? { ...e.extensions, field: path } : { ...e.extensions });
}

/** Yoga's own HTTP-level refusals carry a status but no code, or a code that does not fit it ('BAD_REQUEST' with 405). */
const CODE_FOR_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  403: 'FORBIDDEN',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * Every error leaves with a catalog code and that code's status. Yoga marks its own parse and
 * validation errors `spec`, which makes it answer them with 200 under `Accept: application/json`;
 * dropping the mark gives one status per code whatever the Accept header.
 */
export function inCatalogTerms(e: GraphQLError): GraphQLError {
  const http = e.extensions.http ?? {};
  const given = e.extensions?.code;
  let code: ErrorCode;
  if (isErrorCode(given) && (http.status === undefined || http.status === ERROR_CODES[given].status)) code = given;
  else if (http.status !== undefined) code = CODE_FOR_STATUS[http.status] ?? (http.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');
  // A GraphQLError thrown without a code (a non-null field that resolved to null, say) is a bug here, not the client's.
  else code = 'INTERNAL_SERVER_ERROR';
  const status = ERROR_CODES[code].status;
  if (code === given && http.status === status && !http.spec) return e;
  const { unexpected: _unexpected, ...extensions } = e.extensions ?? {};
  return rebuild(e, e.message, { ...extensions, code, http: { status, ...(http.headers ? { headers: http.headers } : {}) } });
}

export interface ErrorCodeOptions {
  /** Where a database outage turned into SERVICE_UNAVAILABLE is logged (with its cause). */
  logger?: Logger;
  /** Remove input values from GraphQL's own error messages (validation and variable coercion). */
  redactValues?: boolean;
}

/**
 * Gives the errors GraphQL itself raises a stable extensions.code, as clients expect:
 * GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, and BAD_USER_INPUT for variables that do not
 * fit their type (an unknown enum value, an undeclared input field, a malformed DateTime). Then,
 * as the response is written, puts every error in the catalog's terms (see inCatalogTerms).
 */
export function useErrorCodes(options: ErrorCodeOptions = {}): Plugin {
  const clean = (e: GraphQLError) => (options.redactValues ? redact(e) : e);
  const catalogued = (e: GraphQLError) => {
    const out = inCatalogTerms(e);
    if (out.extensions.originalError === undefined) return out;
    // Yoga copies the JSON parser's message, which quotes the client's body back: never sent, on either service.
    const { originalError: _quoted, ...extensions } = out.extensions;
    return rebuild(out, out.message, extensions);
  };
  const normalise = (r: ExecutionResult): ExecutionResult => {
    if (!r.errors?.length) return r;
    const errors = r.errors.map(catalogued);
    if (!answeredSomething(r.data)) return { ...r, errors };
    // A partial answer (root fields that answered beside field errors) is a success over HTTP, as the GraphQL-over-HTTP
    // spec asks for application/graphql-response+json: 200, with each error's code in the body. Headers such as
    // Retry-After stay. When every root field is null the request as a whole was refused, and takes the code's status.
    return { ...r, errors: errors.map(withoutStatus) };
  };
  return {
    onParse:
      () =>
      ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError && lacksCode(result)) replaceParseResult(withCode(result, 'GRAPHQL_PARSE_FAILED'));
      },
    // envelop types these results loosely (any[]); graphql-js gives GraphQLErrors.
    onValidate: () => (payload) => {
      const errors = payload.result as readonly GraphQLError[];
      if (errors.length) payload.setResult(errors.map((e) => (lacksCode(e) ? withCode(clean(e), 'GRAPHQL_VALIDATION_FAILED') : e)));
    },
    onExecute: () => ({
      onExecuteDone(payload) {
        if (isAsyncIterable(payload.result)) return;
        const result = payload.result as ExecutionResult;
        if (!result.errors?.length) return;
        // Errors without a path arise before any resolver runs: variable coercion. A database that
        // cannot be reached is the service's state, not a fault: 503 and retryable, its cause logged.
        const errors = result.errors.map((e) => {
          if (!e.path && lacksCode(e)) return withCode(clean(e), 'BAD_USER_INPUT');
          if (lacksCode(e) && isDatabaseUnavailable(e.originalError)) {
            options.logger?.warn({ err: e.originalError, path: e.path?.join('.') }, 'database unavailable');
            return new GraphQLError('The database cannot be reached right now; retry later.', {
              nodes: e.nodes,
              source: e.source,
              positions: e.positions,
              path: e.path,
              extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: ERROR_CODES.SERVICE_UNAVAILABLE.status } },
            });
          }
          return e;
        });
        payload.setResult({ ...result, errors });
      },
    }),
    // Runs for every response, including refusals raised before GraphQL (CSRF, a body that is not JSON).
    onResultProcess(payload) {
      const { result } = payload;
      if (isAsyncIterable(result)) return;
      payload.setResult(Array.isArray(result) ? result.map(normalise) : normalise(result as ExecutionResult));
    },
  };
}
