/**
 * Where the CLI's requests go. Both backends answer the same HTTP requests (`POST /graphql`,
 * `GET /usage-data/export`): in-process, the app is built from the same configuration as the server
 * (`DATABASE_URL` and the rest of the environment) and asked through `yoga.fetch`; with `--url`, a
 * running server is asked over HTTP. Every command is written once, against `fetch`.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { pino } from 'pino';

import { CliError, EXIT, exitCodeFor } from './errors.js';

export interface Backend {
  /** What answers, for messages: `http://host:port` or the database URL without credentials. */
  readonly target: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** A running server's base URL from what the user typed (`http://host:4000`, with or without `/graphql`). */
export function serverBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw CliError.usage(`--url ${JSON.stringify(url)} is not a URL; expected e.g. http://127.0.0.1:4000`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw CliError.usage(`--url must be an http(s) URL, not ${parsed.protocol}`);
  return `${parsed.origin}${parsed.pathname.replace(/\/graphql\/?$/, '').replace(/\/$/, '')}`;
}

export function httpBackend(url: string): Backend {
  const base = serverBase(url);
  return {
    target: base,
    async fetch(path, init) {
      try {
        return await fetch(`${base}${path}`, init);
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new CliError(`cannot reach the server at ${base}: ${cause?.code ?? cause?.message ?? String(err)}`, EXIT.FAILURE, 'NETWORK_ERROR');
      }
    },
    async close() {},
  };
}

/** Removes a password from a database URL before it is shown. */
const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

/** The app on the configured database, as the server would open it, without its jobs and uptime session. */
export async function inProcessBackend(env: NodeJS.ProcessEnv): Promise<Backend> {
  const [{ createApp }, { ConfigError, loadLocalConfig }, { PluginError }] = await Promise.all([
    import('../app.js'),
    import('../config.js'),
    import('../errors.js'),
  ]);
  let config;
  try {
    config = loadLocalConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, EXIT.FAILURE, 'CONFIG');
    throw err;
  }
  // The server logs JSON on stdout; here stdout is the command's output, so only errors go to stderr.
  const logger = pino({ name: 'printernizer-stats-cli', level: 'error' }, pino.destination(2));
  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    app = await createApp({ config, logger });
  } catch (err) {
    if (err instanceof PluginError) throw new CliError(err.message, EXIT.FAILURE, 'PLUGIN');
    throw new CliError(`cannot open the database ${redact(config.databaseUrl)}: ${(err as Error).message}`, EXIT.FAILURE, 'DATABASE');
  }
  return {
    target: redact(config.databaseUrl),
    fetch: async (path, init) => app.yoga.fetch(new Request(`http://printernizer-stats.cli${path}`, init)),
    close: () => app.stop(),
  };
}

interface ErrorBody {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** Runs one typed operation; any error in the answer becomes a CliError with the exit code of its code. */
export async function execute<TData, TVariables extends Record<string, unknown>>(
  backend: Backend,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const response = await backend.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  let body: { data?: TData | null; errors?: ErrorBody[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new CliError(`${backend.target} answered HTTP ${response.status} without a GraphQL response; is it the Printernizer stats API?`);
  }
  const first = body.errors?.[0];
  if (first) {
    const { code, ...extensions } = first.extensions ?? {};
    throw new CliError(first.message, exitCodeFor(code), code, extensions);
  }
  if (!body.data) throw new CliError(`${backend.target} answered HTTP ${response.status} without data`);
  return body.data;
}
