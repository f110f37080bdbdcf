/**
 * The smallest typed GraphQL client a frontend could use: the generated document fixes the shape
 * of the variables it accepts and of the data it answers, so a renamed field fails `tsc`.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface GraphQLErrorBody {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** A response keeps the data and the errors: a refused argument nulls one field, not the answer. */
export interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: GraphQLErrorBody[];
}

export async function request<TData, TVariables extends Record<string, unknown>>(
  endpoint: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return (await response.json()) as GraphQLResponse<TData>;
}

/** The data of a response, or an error carrying the first error's code. */
export async function requestData<TData, TVariables extends Record<string, unknown>>(
  endpoint: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  headers: Record<string, string> = {},
): Promise<TData> {
  const { data, errors } = await request(endpoint, document, variables, headers);
  if (errors?.length || !data) {
    const first = errors?.[0];
    throw new Error(`${first?.extensions?.code ?? 'NO_DATA'}: ${first?.message ?? 'the response has no data'}`);
  }
  return data;
}
