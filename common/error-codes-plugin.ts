import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const withCode = (e: GraphQLError, code: string) =>
  new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions: { ...e.extensions, code } });

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
  const extensions = path ? { ...e.extensions, field: path } : e.extensions;
  return new GraphQLError(message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions });
}

export interface ErrorCodeOptions {
  /** Remove input values from GraphQL's own error messages (validation and variable coercion). */
  redactValues?: boolean;
}

/**
 * Gives the errors GraphQL itself raises a stable extensions.code, as clients expect:
 * GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, and BAD_USER_INPUT for variables that do not
 * fit their type (an unknown enum value, an undeclared input field, a malformed DateTime).
 */
export function useErrorCodes(options: ErrorCodeOptions = {}): Plugin {
  const clean = (e: GraphQLError) => (options.redactValues ? redact(e) : e);
  return {
    onParse: () => ({ result, replaceParseResult }) => {
      if (result instanceof GraphQLError && lacksCode(result)) replaceParseResult(withCode(result, 'GRAPHQL_PARSE_FAILED'));
    },
    onValidate: () => ({ result, setResult }) => {
      if (result.length) setResult(result.map((e) => (lacksCode(e) ? withCode(clean(e), 'GRAPHQL_VALIDATION_FAILED') : e)));
    },
    onExecute: () => ({
      onExecuteDone({ result, setResult }) {
        if (!('errors' in result) || !result.errors?.length) return;
        // Errors without a path arise before any resolver runs: variable coercion.
        const errors = result.errors.map((e) => (!e.path && lacksCode(e) ? withCode(clean(e), 'BAD_USER_INPUT') : e));
        setResult({ ...result, errors });
      },
    }),
  };
}
