/**
 * Statements run directly on the driver connection MikroORM's knex pool holds (a node-sqlite3
 * Database or a pg Client), for the hot path of a service (submitReport), where knex's runner and
 * MikroORM's connection layer cost more than the statements themselves. The connection is taken
 * from and given back to the same pool, so it is exclusive while held, as in a knex transaction.
 *
 * Each statement is prepared once per connection: node-sqlite3 keeps the prepared statement (no
 * new prepare and finalize, each a hop to its worker thread, per call); pg names it, so the server
 * parses it once. pg sends the five messages of a parameterised query (parse, bind, describe,
 * execute, sync) as five socket writes; they are corked into one.
 */
import { createRequire } from 'node:module';

import type { EntityManager } from '@mikro-orm/core';
import type * as Pg from 'pg';
import type * as Sqlite3 from 'sqlite3';

import type { DatabaseKind } from './db.js';

/** A statement with `?` placeholders and a name unique in the process (PostgreSQL's prepared statement name). */
export interface DriverStatement {
  name: string;
  text: string;
}

export interface DriverConnection {
  kind: DatabaseKind;
  all(statement: DriverStatement, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs a write; returns the rows it changed. */
  run(statement: DriverStatement, params: readonly unknown[]): Promise<number>;
}

/** An instant as each database's timestamp column receives it: epoch ms on SQLite (as MikroORM stores it), ISO text on PostgreSQL. */
export const instantParam = (kind: DatabaseKind, at: Date): number | string => (kind === 'sqlite' ? at.getTime() : at.toISOString());

interface Pool {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
  destroy(callback?: unknown): Promise<void>;
  config: { connection?: { filename?: string } };
}

const poolOf = (em: EntityManager): Pool => (em.getConnection() as unknown as { getKnex(): { client: Pool } }).getKnex().client;

/** Runs `work` with a driver connection of the pool behind `em`, given back afterwards whatever happens. */
export async function withDriverConnection<T>(em: EntityManager, kind: DatabaseKind, work: (c: DriverConnection) => Promise<T>): Promise<T> {
  const pool = poolOf(em);
  const raw = await pool.acquireConnection();
  try {
    return await work(kind === 'sqlite' ? sqliteConnection(raw as Sqlite3.Database) : postgresConnection(raw as Pg.Client));
  } finally {
    await pool.releaseConnection(raw);
  }
}

const require = createRequire(import.meta.url);
const readers = new WeakMap<Pool, Promise<Sqlite3.Database | null>>();

/**
 * SQLite: a read-only connection of its own beside the pool's single one, opened on first use and
 * closed with the pool. In WAL mode it reads the last committed state while the pool's connection
 * writes, so a read on the hot path does not queue behind a write transaction. A file database
 * only (an in-memory one is private to its connection): null otherwise.
 */
function readerOf(pool: Pool): Promise<Sqlite3.Database | null> {
  let reader = readers.get(pool);
  if (!reader) {
    const file = pool.config.connection?.filename;
    reader =
      !file || file.includes(':memory:') || file.startsWith('file:')
        ? Promise.resolve(null)
        : new Promise<Sqlite3.Database>((resolve, reject) => {
            const sqlite3 = require('sqlite3') as typeof Sqlite3;
            const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) =>
              err ? reject(err) : db.exec('PRAGMA busy_timeout = 5000', (e) => (e ? reject(e) : resolve(db))),
            );
          });
    readers.set(pool, reader);
    const destroy = pool.destroy.bind(pool);
    pool.destroy = async (callback?: unknown) => {
      const db = await reader!.catch(() => null);
      if (db) await new Promise<void>((resolve) => db.close(() => resolve()));
      return destroy(callback);
    };
  }
  return reader;
}

/**
 * Runs a read with a driver connection: on SQLite the read-only one beside the pool (it sees what
 * is committed, not a transaction in progress), on PostgreSQL one of the pool.
 */
export async function withReadConnection<T>(em: EntityManager, kind: DatabaseKind, work: (c: DriverConnection) => Promise<T>): Promise<T> {
  const reader = kind === 'sqlite' ? await readerOf(poolOf(em)) : null;
  return reader ? work(sqliteConnection(reader)) : withDriverConnection(em, kind, work);
}

const prepared = new WeakMap<Sqlite3.Database, Map<string, Promise<Sqlite3.Statement>>>();

/**
 * The statements prepared on this database; finalized before it closes, since SQLite refuses to
 * close a connection with statements still open (knex closes it when the ORM closes).
 */
function statementsOf(db: Sqlite3.Database): Map<string, Promise<Sqlite3.Statement>> {
  let map = prepared.get(db);
  if (!map) {
    const statements = (map = new Map<string, Promise<Sqlite3.Statement>>());
    prepared.set(db, statements);
    const close = db.close.bind(db);
    db.close = (callback?: (err: Error | null) => void) => {
      const all = [...statements.values()];
      statements.clear();
      void Promise.allSettled(all).then((settled) => {
        const open = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        let left = open.length;
        if (!left) return close(callback);
        for (const st of open) st.finalize(() => void (--left === 0 && close(callback)));
      });
      return db;
    };
  }
  return map;
}

function sqliteConnection(db: Sqlite3.Database): DriverConnection {
  const statements = statementsOf(db);
  // A statement that fails to prepare (a table missing meanwhile) rejects its call and is dropped,
  // so the next call prepares it again. Without the callback node-sqlite3 would emit the failure as
  // an 'error' event nobody listens to, which ends the process.
  const statement = (s: DriverStatement) => {
    let st = statements.get(s.text);
    if (!st) {
      st = new Promise<Sqlite3.Statement>((resolve, reject) => {
        const created = db.prepare(s.text, (err: Error | null) => {
          if (!err) return resolve(created);
          statements.delete(s.text);
          reject(err);
        });
      });
      statements.set(s.text, st);
    }
    return st;
  };
  return {
    kind: 'sqlite',
    all: async (s, params) => {
      const st = await statement(s);
      return new Promise((resolve, reject) =>
        st.all(params as unknown[], (err: Error | null, rows: Record<string, unknown>[]) => (err ? reject(err) : resolve(rows))),
      );
    },
    run: async (s, params) => {
      const st = await statement(s);
      return new Promise((resolve, reject) =>
        st.run(params as unknown[], function (this: Sqlite3.RunResult, err: Error | null) {
          if (err) reject(err);
          else resolve(this.changes);
        }),
      );
    },
  };
}

const numbered = new Map<string, string>();
/** `?` → `$1`, `$2`, … (the statements are the service's own text, with no `?` inside literals). */
function pgText(text: string): string {
  let out = numbered.get(text);
  if (out === undefined) {
    let n = 0;
    numbered.set(text, (out = text.replace(/\?/g, () => `$${++n}`)));
  }
  return out;
}

function postgresConnection(client: Pg.Client): DriverConnection {
  const query = (s: DriverStatement, params: readonly unknown[]) => {
    const stream = (client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream;
    // An idle client writes the whole query synchronously inside query(): one write instead of five.
    stream.cork();
    try {
      return client.query({ name: s.name, text: pgText(s.text), values: params as unknown[] });
    } finally {
      stream.uncork();
    }
  };
  return {
    kind: 'postgresql',
    all: async (s, params) => (await query(s, params)).rows as Record<string, unknown>[],
    run: async (s, params) => (await query(s, params)).rowCount ?? 0,
  };
}
