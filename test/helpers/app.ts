import { pino } from 'pino';

import { createApp, type LocalApp } from '../../src/app.js';
import { ManualClock } from '../../common/clock.js';
import { loadLocalConfig } from '../../src/config.js';
import type { DatabaseKind } from '../../common/db.js';
import type { DeliveryOptions } from '../../src/jobs/report-outbox.js';
import type { Logger } from '../../common/logger.js';
import type { HostProbe } from '../../src/services/installation.js';
import { createTempDatabase, type TempDatabase } from './temp-database.js';

/** A logger that keeps every entry, for tests that check what operators see. */
export function memoryLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => entries.push(JSON.parse(line) as LogEntry) });
  return { logger, entries };
}

/** One pino line as parsed JSON. */
export interface LogEntry {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

/** An error as it arrives in a GraphQL response body. */
export interface GraphQLErrorJson {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

/** Results are `unknown` until a test says what it expects: `gql<{ usageSettings: { consent: string } }>(…)`. */
export interface GraphQLResponse<T = unknown> {
  status: number;
  data?: T;
  errors?: GraphQLErrorJson[];
  headers: Headers;
}

export interface TestApp {
  app: LocalApp;
  clock: ManualClock;
  db: TempDatabase;
  gql<T = unknown>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Like gql, but fails the test on any GraphQL error. */
  ok<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/** A host with nothing to detect: STANDALONE Linux (tests set TZ=Europe/Berlin in the config). */
export const plainHost: HostProbe = { env: {}, exists: () => false, read: () => null, platform: 'linux' };

export interface TestAppOptions {
  /** A kind gets a fresh database, dropped on close; a TempDatabase is reused and left to its owner. */
  db: DatabaseKind | TempDatabase;
  env?: Record<string, string>;
  now?: string;
  host?: HostProbe;
  logger?: Logger;
  delivery?: Partial<DeliveryOptions>;
}

/** The local API on a fresh database, driven in-process through yoga.fetch, with a manual clock. */
export async function createTestApp(o: TestAppOptions): Promise<TestApp> {
  const owned = typeof o.db === 'string';
  const db = typeof o.db === 'string' ? await createTempDatabase(o.db) : o.db;
  const clock = new ManualClock(o.now ?? '2026-11-28T12:00:00.000Z');
  const config = loadLocalConfig({ TZ: 'Europe/Berlin', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', ...o.env, DATABASE_URL: db.url });
  const app = await createApp({ config, clock, host: o.host ?? plainHost, logger: o.logger, delivery: o.delivery });
  const gql = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await app.yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: never; errors?: GraphQLErrorJson[] };
    return { status: res.status, data: body.data, errors: body.errors, headers: res.headers };
  };
  return {
    app,
    clock,
    db,
    gql,
    async ok<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const res = await gql(query, variables);
      if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
      if (res.data === undefined) throw new Error(`No data in the answer (HTTP ${res.status})`);
      return res.data;
    },
    async close() {
      await app.stop();
      if (owned) await db.drop();
    },
  };
}
