import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const withCode = (e: GraphQLError, code: string) =>
  new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions: { ...e.extensions, code } });

const lacksCode = (e: GraphQLError) => typeof e.extensions?.code !== 'string';

/**
 * Gives the errors GraphQL itself raises a stable extensions.code, as clients expect:
 * GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, and BAD_USER_INPUT for variables that do not
 * fit their type (an unknown enum value, an undeclared input field, a malformed DateTime).
 */
export function useErrorCodes(): Plugin {
  return {
    onParse: () => ({ result, replaceParseResult }) => {
      if (result instanceof GraphQLError && lacksCode(result)) replaceParseResult(withCode(result, 'GRAPHQL_PARSE_FAILED'));
    },
    onValidate: () => ({ result, setResult }) => {
      if (result.length) setResult(result.map((e) => (lacksCode(e) ? withCode(e, 'GRAPHQL_VALIDATION_FAILED') : e)));
    },
    onExecute: () => ({
      onExecuteDone({ result, setResult }) {
        if (!('errors' in result) || !result.errors?.length) return;
        // Errors without a path arise before any resolver runs: variable coercion.
        const errors = result.errors.map((e) => (!e.path && lacksCode(e) ? withCode(e, 'BAD_USER_INPUT') : e));
        setResult({ ...result, errors });
      },
    }),
  };
}
