/**
 * graphql-armor's limits on query size, with refusals in the catalog's words. Left alone, armor
 * throws a bare GraphQLError whose message starts "Syntax Error:" and which carries no code, so
 * Yoga answers it with HTTP 200. Each protection here throws its own code with status 400 instead.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError, Source } from 'graphql';
import type { Plugin } from 'graphql-yoga';

import { codedError, type ErrorCode } from './errors.js';

export interface QueryLimits {
  /** Nesting of selections; introspection's `__schema` is not counted. */
  maxDepth: number;
  /**
   * Brackets (`{`, `[`, `(`) open at once anywhere in the query text, literals included. @default 64
   * graphql-js parses list and object literals recursively: ~2,800 nested `[` overflow the stack.
   */
  maxNesting?: number;
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

/**
 * The deepest bracket nesting of a GraphQL text, strings, block strings and comments skipped. One
 * pass without recursion, stopping as soon as `limit` is exceeded, so it costs at most the text's length.
 */
export function nestingDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '"') {
      if (text.startsWith('"""', i)) {
        // A block string ends at the next """ that is not escaped (\""").
        i += 3;
        while (i < text.length && !(text.startsWith('"""', i) && text[i - 1] !== '\\')) i++;
        i += 2;
      } else {
        for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      }
    } else if (c === '{' || c === '[' || c === '(') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === '}' || c === ']' || c === ')') depth--;
  }
  return deepest;
}

/** Refuses a text nested deeper than `max` before graphql-js parses (and recurses into) it. */
function nestingLimit(max: number): Plugin {
  return {
    onParse({ params }) {
      // envelop types the source loosely; graphql-js takes a string or a Source.
      const source = params.source as string | Source;
      const text = typeof source === 'string' ? source : source.body;
      if (nestingDepth(text, max) > max)
        throw codedError('QUERY_TOO_DEEP', `The query nests brackets (selections, arguments, list or object values) deeper than ${max}.`, { limit: max });
    },
  };
}

export function useQueryLimits(limits: QueryLimits): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      // Before armor: its token limit is counted while parsing, and the parser recurses first.
      addPlugin(nestingLimit(limits.maxNesting ?? 64));
      addPlugin(armor(limits));
    },
  };
}

function armor(limits: QueryLimits): Plugin {
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
