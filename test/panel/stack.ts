/**
 * The local API and an aggregator, each started as a user starts it (the built servers, SQLite
 * files), the local one sending to the other; GraphQL over real HTTP for seeding and checking.
 */
import sqlite3 from 'sqlite3';

import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { ensureBuilt } from '../helpers/build.js';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.js';
import { withDeadline } from '../helpers/wait.js';

const API_KEY = 'panel-test-client-key-0123';

export interface Stack {
  local: string;
  aggregator: string;
  /** Rows the aggregator holds in `table` (read from its SQLite file: its public summary is a scheduled snapshot). */
  aggregatorRows(table: 'report' | 'installation'): Promise<number>;
  /** POSTs one operation to `base`/graphql; throws on any GraphQL error. */
  gql<T>(base: string, query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

async function post<T>(base: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors from ${base}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

function countRows(file: string, table: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) return reject(err);
      db.get(`select count(*) as n from ${table}`, (e: Error | null, row: { n: number } | undefined) => {
        db.close();
        if (e) reject(e);
        else resolve(row?.n ?? 0);
      });
    });
  });
}

/** Runs one statement on a SQLite file: the state no API call can reach (an older consent). */
export function sqliteRun(url: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(url.replace(/^sqlite:/, ''), (err) => {
      if (err) return reject(err);
      db.run(sql, (e: Error | null) => {
        db.close();
        if (e) reject(e);
        else resolve();
      });
    });
  });
}

/** One more local server on its own SQLite file, started with `env` (a kill switch, say). */
export async function startLocal(env: Record<string, string>): Promise<{ base: string; db: TempDatabase; close(): Promise<void> }> {
  await ensureBuilt();
  const db = await createTempDatabase('sqlite');
  const server = startServer('local', { HOST: '127.0.0.1', PORT: '0', DATABASE_URL: db.url, USAGE_STATS_STARTUP_DELAY: '86400', ...env });
  const close = async () => {
    await stop(server);
    await db.drop();
  };
  try {
    return { base: await withDeadline(server.url, { timeoutMs: 60_000, message: 'the local API to print its address' }), db, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function stop(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  await withDeadline(server.exit, { timeoutMs: 20_000, message: 'a server to stop' }).catch(() => server.child.kill('SIGKILL'));
}

export async function startStack(): Promise<Stack> {
  await ensureBuilt();
  const dbs: TempDatabase[] = [await createTempDatabase('sqlite'), await createTempDatabase('sqlite')];
  const aggregatorServer = startServer('aggregator', { AGGREGATOR_PORT: '0', AGGREGATOR_DATABASE_URL: dbs[0].url, AGGREGATOR_API_KEYS: API_KEY });
  const servers = [aggregatorServer];
  try {
    const aggregator = await withDeadline(aggregatorServer.url, { timeoutMs: 60_000, message: 'the aggregator to print its address' });
    const localServer = startServer('local', {
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: dbs[1].url,
      TZ: 'Europe/Berlin',
      USAGE_STATS_ENDPOINT: `${aggregator}/graphql`,
      USAGE_STATS_API_KEY: API_KEY,
      // The panel's "send now" sends; the scheduled check stays out of the way.
      USAGE_STATS_STARTUP_DELAY: '86400',
    });
    servers.push(localServer);
    const local = await withDeadline(localServer.url, { timeoutMs: 60_000, message: 'the local API to print its address' });
    return {
      local,
      aggregator,
      gql: post,
      aggregatorRows: (table) => countRows(dbs[0].url.replace(/^sqlite:/, ''), table),
      async close() {
        await Promise.all(servers.map(stop));
        await Promise.all(dbs.map((d) => d.drop()));
      },
    };
  } catch (err) {
    await Promise.all(servers.map(stop));
    await Promise.all(dbs.map((d) => d.drop()));
    throw err;
  }
}
