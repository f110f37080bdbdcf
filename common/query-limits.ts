/**
 * graphql-armor's limits on query size, with refusals in the catalog's words. Left alone, armor
 * throws a bare GraphQLError whose message starts "Syntax Error:" and which carries no code, so
 * Yoga answers it with HTTP 200. Each protection here throws its own code with status 400 instead.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

import { codedError, type ErrorCode } from './errors.js';

export interface QueryLimits {
  /** Nesting of selections; introspection's `__schema` is not counted. */
  maxDepth: number;
  maxAliases: number;
  /** graphql-armor's cost estimate: objects 2, scalars 1, times 1.5 per level, times `first`/`last`. */
  maxCost: number;
  /** Lexical tokens in the query text, checked while parsing. */
  maxTokens: number;
  maxDirectives: number;
}

/** Throwing from onReject replaces armor's own error; `propagateOnRejection` is then never reached. */
function refuse(code: ErrorCode, limit: number) {
  return {
    onReject: [
      (_context: unknown, error: GraphQLError) => {
        throw codedError(code, error.message.replace(/^Syntax Error: /, ''), { limit });
      },
    ],
  };
}

export function useQueryLimits(limits: QueryLimits): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ...refuse('QUERY_TOO_DEEP', limits.maxDepth) },
    maxAliases: { n: limits.maxAliases, ...refuse('TOO_MANY_ALIASES', limits.maxAliases) },
    costLimit: { maxCost: limits.maxCost, ...refuse('QUERY_TOO_COMPLEX', limits.maxCost) },
    maxTokens: { n: limits.maxTokens, ...refuse('TOO_MANY_TOKENS', limits.maxTokens) },
    maxDirectives: { n: limits.maxDirectives, ...refuse('TOO_MANY_DIRECTIVES', limits.maxDirectives) },
    // Suggestions ("did you mean …") help a developer, and map the schema for a prober: only in development.
    blockFieldSuggestion: { enabled: process.env.NODE_ENV !== 'development' },
  });
}
