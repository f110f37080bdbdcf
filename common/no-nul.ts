/**
 * No string input may hold a NUL character, on either service. PostgreSQL refuses NUL in text (the
 * statement fails as an unexpected error, after the value reached SQL), SQLite stores it and cuts
 * the string short in some readers, and no field of either API has a use for it. Checked once for
 * the whole request, before any resolver runs: every string literal in the document and every
 * string in the variables.
 */
import { visit, type DocumentNode, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

import { codedError, UserInputError } from './errors.js';

const NUL = '\u0000';

/** Variables nested deeper than this are refused before anything walks them (no input type of either API nests half as deep). */
const MAX_VARIABLE_NESTING = 64;

/**
 * The path (`input.name`, `inputs.3.host`) of the first string holding NUL in a variable value, or
 * null. Walked with a stack of its own, not recursion, so 5,000 nested lists cannot overflow the
 * call stack; past MAX_VARIABLE_NESTING the request is refused as QUERY_TOO_DEEP.
 */
function nulIn(root: unknown, rootPath: string): string | null {
  const pending: [value: unknown, path: string, depth: number][] = [[root, rootPath, 0]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [value, path, depth] = item;
    if (typeof value === 'string') {
      if (value.includes(NUL)) return path;
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (depth >= MAX_VARIABLE_NESTING) {
      throw codedError('QUERY_TOO_DEEP', `The variables nest lists or objects deeper than ${MAX_VARIABLE_NESTING}.`, { limit: MAX_VARIABLE_NESTING });
    }
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, v] of entries.reverse()) {
      if (key.includes(NUL)) return `${path}.${key}`;
      pending.push([v, `${path}.${key}`, depth + 1]);
    }
  }
  return null;
}

/** The name of the argument or input field whose literal holds NUL, or null. */
function nulInDocument(document: DocumentNode): string | null {
  let found: string | null = null;
  const names: string[] = [];
  visit(document, {
    Argument: { enter: (n) => void names.push(n.name.value), leave: () => void names.pop() },
    ObjectField: { enter: (n) => void names.push(n.name.value), leave: () => void names.pop() },
    StringValue(node) {
      if (found === null && node.value.includes(NUL)) found = names.join('.') || 'query';
    },
  });
  return found;
}

export function useNoNulStrings(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      let field: string | null;
      try {
        field =
          nulInDocument(args.document as DocumentNode) ?? Object.keys(variables).reduce<string | null>((f, name) => f ?? nulIn(variables[name], name), null);
      } catch (tooDeep) {
        setResultAndStopExecution({ errors: [tooDeep as GraphQLError] });
        return;
      }
      if (field) setResultAndStopExecution({ errors: [UserInputError.field(field, 'must not contain a NUL character')] });
    },
  };
}
