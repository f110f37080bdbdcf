/**
 * No string input may hold a NUL character, on either service. PostgreSQL refuses NUL in text (the
 * statement fails as an unexpected error, after the value reached SQL), SQLite stores it and cuts
 * the string short in some readers, and no field of either API has a use for it. Checked once for
 * the whole request, before any resolver runs: every string literal in the document and every
 * string in the variables.
 */
import { visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

import { UserInputError } from './errors.js';

const NUL = '\u0000';

/** The path (`input.name`, `inputs.3.host`) of the first string holding NUL in a variable value, or null. */
function nulIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulIn(value[i], `${path}.${i}`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const found = nulIn(v, `${path}.${key}`) ?? (key.includes(NUL) ? `${path}.${key}` : null);
      if (found) return found;
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
      const field =
        nulInDocument(args.document as DocumentNode) ?? Object.keys(variables).reduce<string | null>((f, name) => f ?? nulIn(variables[name], name), null);
      if (field) setResultAndStopExecution({ errors: [UserInputError.field(field, 'must not contain a NUL character')] });
    },
  };
}
