import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { MikroORM, type MigrationObject, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type * as MikroOrmPostgres from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import type * as Pg from 'pg';

// The PostgreSQL driver and client are loaded only for a PostgreSQL URL (both are CommonJS, so a
// synchronous require does): an installation on SQLite never pays their start-up time and memory.
const require = createRequire(import.meta.url);
const postgresDriver = () => (require('@mikro-orm/postgresql') as typeof MikroOrmPostgres).PostgreSqlDriver;
const pgClient = () => (require('pg') as typeof Pg).Client;

export type DatabaseKind = 'sqlite' | 'postgresql';

export interface DatabaseTarget {
  kind: DatabaseKind;
  /** SQLite file path (or ':memory:'), or the PostgreSQL connection URL. */
  location: string;
}

export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return { kind: 'sqlite', location: path === ':memory:' ? path : resolve(path) };
  }
  return { kind: 'postgresql', location: url };
}

export interface OrmOptions {
  url: string;
  entities: Options['entities'];
  migrations: Record<DatabaseKind, MigrationObject[]>;
  /** Where `npm run migration:create` writes new migration files, per platform. */
  migrationsPath?: Record<DatabaseKind, string>;
  sqliteBusyTimeoutMs?: number;
  /**
   * PostgreSQL: how long connecting, waiting for a pooled connection and one statement may take
   * before failing (so an unreachable or black-holed server is an error, not a hang). None by default.
   */
  timeoutMs?: number;
  /** Receives the ORM's own messages (migrations applied, …). */
  logger?: (message: string) => void;
}

/**
 * MikroORM options shared by both services. SQLite gets WAL and a busy timeout so that concurrent
 * writers wait instead of failing; every instant is stored as a UTC timestamp, never as text.
 */
export function ormConfig(o: OrmOptions): Options {
  const target = parseDatabaseUrl(o.url);
  const common = {
    entities: o.entities,
    extensions: [Migrator],
    forceUtcTimezone: true,
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: false },
    logger: o.logger ?? (() => {}),
    migrations: {
      migrationsList: o.migrations[target.kind],
      path: o.migrationsPath?.[target.kind],
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts' as const,
    },
  };
  if (target.kind === 'sqlite') {
    const busy = o.sqliteBusyTimeoutMs ?? 5000;
    return {
      ...common,
      driver: SqliteDriver,
      dbName: target.location,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: { exec(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, c: unknown) => void) =>
          conn.exec(`PRAGMA journal_mode = WAL; PRAGMA busy_timeout = ${busy}; PRAGMA synchronous = NORMAL;`, (err) => done(err, conn)),
      },
    };
  }
  const t = o.timeoutMs;
  const bounded = t
    ? { driverOptions: { acquireConnectionTimeout: t, connection: { connectionTimeoutMillis: t, query_timeout: t, statement_timeout: t } } }
    : {};
  return { ...common, ...bounded, driver: postgresDriver(), clientUrl: target.location, pool: { min: 0, max: 10 } };
}

/** Any fixed number: every process that migrates the same PostgreSQL database takes this lock. */
const MIGRATION_LOCK = 7_424_011;

/**
 * Connects and brings the schema up to date. A user's database only ever changes through
 * migrations. On PostgreSQL they run under an advisory lock, held on a connection of its own, so
 * instances starting together apply them once.
 */
export async function openDatabase(o: OrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(o));
  const target = parseDatabaseUrl(o.url);
  const lock = target.kind === 'postgresql' ? new (pgClient())({ connectionString: target.location, connectionTimeoutMillis: o.timeoutMs }) : null;
  try {
    if (lock) {
      await lock.connect();
      await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    }
    await orm.getMigrator().up();
  } catch (err) {
    await orm.close(true);
    throw err;
  } finally {
    await lock?.end().catch(() => {});
  }
  return orm;
}

/** The platform behind an ORM or one of its EntityManagers (both carry the configuration). */
export function databaseKind(source: Pick<MikroORM, 'config'>): DatabaseKind {
  return source.config.get('driver') === SqliteDriver ? 'sqlite' : 'postgresql';
}
