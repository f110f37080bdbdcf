/**
 * Both services behind one shape, for tests that hold them to the same error rules: raw requests
 * through yoga.fetch, and a way to make their resolvers fail with a plain (non-GraphQL) error.
 */
import { createTestAggregator } from '../../aggregator/test/helpers/aggregator.js';
import type { DatabaseKind } from '../../common/db.js';
import { createTestApp, memoryLogger } from '../helpers/app.js';

export interface RawRequest {
  method?: 'GET' | 'POST' | 'PUT';
  /** Sent as `Accept` unless undefined. */
  accept?: string;
  /** POST: sent as JSON with `variables`; GET: put in the URL. */
  query?: string;
  variables?: Record<string, unknown>;
  /** A raw body instead of the JSON one. */
  body?: string;
  headers?: Record<string, string>;
}

export interface ServiceUnderTest {
  name: 'local' | 'aggregator';
  fetch(r: RawRequest): Promise<Response>;
  /** A query whose resolver reads the database. */
  readsDatabase: string;
  /** Closes the database under the running server: its resolvers then throw plain errors. */
  breakDatabase(): Promise<void>;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

function request(base: string, r: RawRequest): [string, RequestInit] {
  const headers: Record<string, string> = { ...r.headers };
  if (r.accept !== undefined) headers.accept = r.accept;
  const method = r.method ?? 'POST';
  if (method === 'GET') {
    const url = r.query === undefined ? base : `${base}?query=${encodeURIComponent(r.query)}`;
    return [url, { method, headers }];
  }
  headers['content-type'] ??= 'application/json';
  return [base, { method, headers, body: r.body ?? JSON.stringify({ query: r.query, variables: r.variables }) }];
}

export async function startServices(db: DatabaseKind): Promise<ServiceUnderTest[]> {
  const localLog = memoryLogger();
  const local = await createTestApp({ db, logger: localLog.logger });
  const aggregatorLog = memoryLogger();
  const aggregator = await createTestAggregator({ db, logger: aggregatorLog.logger });
  return [
    {
      name: 'local',
      fetch: async (r) => local.app.yoga.fetch(...request('http://test/graphql', r)),
      readsDatabase: '{ usageSettings { __typename } }',
      breakDatabase: () => local.app.orm.close(true),
      logs: localLog.entries,
      close: () => local.close(),
    },
    {
      name: 'aggregator',
      fetch: async (r) => aggregator.app.yoga.fetch(...request('http://aggregator.test/graphql', r), { req: { socket: { remoteAddress: '203.0.113.9' } } }),
      readsDatabase: '{ statsSummary { __typename } }',
      breakDatabase: () => aggregator.app.services.orm.close(true),
      logs: aggregatorLog.entries,
      close: () => aggregator.close(),
    },
  ];
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** The GraphQL result in an answer of any served type: JSON, one SSE `next` event, or one multipart part. */
export function resultOf(contentType: string | null, text: string): GraphQLBody {
  if (contentType?.startsWith('text/event-stream')) {
    const data = /^event: next\ndata: (.*)$/m.exec(text)?.[1];
    if (!data) throw new Error(`no "next" event in ${JSON.stringify(text)}`);
    return JSON.parse(data) as GraphQLBody;
  }
  if (contentType?.startsWith('multipart/mixed')) {
    const part = /^\{.*\}$/m.exec(text)?.[0];
    if (!part) throw new Error(`no JSON part in ${JSON.stringify(text)}`);
    return JSON.parse(part) as GraphQLBody;
  }
  return JSON.parse(text) as GraphQLBody;
}
