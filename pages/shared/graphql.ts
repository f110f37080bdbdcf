/**
 * How the pages talk to their server: only `POST /graphql`, with documents typed by graphql-codegen
 * (client preset) from the committed schema, the path the Printernizer frontend takes. Only the
 * printer of graphql-js is bundled, not the whole library.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql/language/printer.js';

export interface PageGraphQLError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** A GraphQL error as the page shows it: the server's message and its `extensions.code`. */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly errors: PageGraphQLError[],
  ) {
    super(message);
  }
}

/** Sends one typed operation; resolves with its data, or rejects with the first error's message and code. */
export async function gql<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  { endpoint = '/graphql', headers = {} }: { endpoint?: string; headers?: Record<string, string> } = {},
): Promise<TData> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query: print(document), variables }),
  });
  let body: { data?: TData | null; errors?: PageGraphQLError[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GraphQLRequestError(`The server answered HTTP ${response.status} without a GraphQL response.`, 'NETWORK_ERROR', []);
  }
  const first = body.errors?.[0];
  if (first || !body.data) {
    throw new GraphQLRequestError(first?.message ?? 'The response has no data.', first?.extensions?.code ?? 'NO_DATA', body.errors ?? []);
  }
  return body.data;
}
