/** The built aggregator on a seeded database, and GraphQL over its real HTTP, for the dashboard page tests. */
import { ensureBuilt } from '../helpers/build.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import type { TempDatabase } from '../helpers/temp-database.js';
import { withDeadline } from '../helpers/wait.js';
import { ADMIN_KEY, API_KEY } from '../../aggregator/test/helpers/aggregator.js';

export { ADMIN_KEY };

export interface RunningAggregator {
  base: string;
  server: ServerProcess;
  gql<T>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }>;
  stop(): Promise<void>;
}

export async function startBuiltAggregator(db: TempDatabase, env: Record<string, string> = {}): Promise<RunningAggregator> {
  await ensureBuilt();
  const server = startServer('aggregator', {
    AGGREGATOR_PORT: '0',
    AGGREGATOR_DATABASE_URL: db.url,
    AGGREGATOR_API_KEYS: API_KEY,
    AGGREGATOR_ADMIN_KEY: ADMIN_KEY,
    LOG_LEVEL: 'info',
    ...env,
  });
  const base = await withDeadline(server.url, { timeoutMs: 60_000, message: 'the built aggregator to start' });
  return {
    base,
    server,
    async gql(query, variables, headers = {}) {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as never;
    },
    async stop() {
      server.child.kill('SIGTERM');
      await withDeadline(server.exit, { timeoutMs: 30_000, message: 'the aggregator to stop' }).catch(() => server.child.kill('SIGKILL'));
    },
  };
}

/** The page's number formats, so a table cell can be compared with an API value. */
export const integer = (n: number) => n.toLocaleString('en-US');
export const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
