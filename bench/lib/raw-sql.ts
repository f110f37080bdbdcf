import pg from 'pg';
import sqlite3 from 'sqlite3';

import type { DatabaseKind } from '../../common/db.js';

/**
 * A database opened with its plain driver (sqlite3 or pg), beside the app's MikroORM: the baseline
 * the bench compares the app against. Queries use `?` placeholders on both; instants are bound as
 * each platform stores them (epoch milliseconds on SQLite, timestamptz on PostgreSQL).
 */
export interface RawSql {
  kind: DatabaseKind;
  all<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  run(text: string, params?: unknown[]): Promise<void>;
  /** One prepared statement run once per row, all in one transaction (SQLite's fastest plain insert). */
  runEach(text: string, rows: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

export async function openRawSql(kind: DatabaseKind, url: string): Promise<RawSql> {
  if (kind === 'postgresql') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const all = async <T>(text: string, params: unknown[] = []) => (await client.query(numbered(text), params)).rows as T[];
    return {
      kind,
      all,
      run: async (text, params) => void (await all(text, params)),
      async runEach(text, rows) {
        await client.query('begin');
        for (const row of rows) await client.query(numbered(text), row);
        await client.query('commit');
      },
      close: () => client.end(),
    };
  }
  const db = new sqlite3.Database(url.replace(/^sqlite:/, ''));
  const done =
    <T>(resolve: (v: T) => void, reject: (e: Error) => void) =>
    (err: Error | null, value?: T) =>
      err ? reject(err) : resolve(value as T);
  const all = <T>(text: string, params: unknown[] = []) => new Promise<T[]>((resolve, reject) => db.all(text, params, done(resolve, reject)));
  const run = (text: string, params: unknown[] = []) => new Promise<void>((resolve, reject) => db.run(text, params, (err) => (err ? reject(err) : resolve())));
  await run('PRAGMA busy_timeout = 5000');
  return {
    kind,
    all,
    run,
    runEach: (text, rows) =>
      new Promise<void>((resolve, reject) => {
        let failure: Error | null = null;
        // serialize() keeps begin, every run and commit in order; runs are queued without awaiting each.
        db.serialize(() => {
          db.run('begin');
          const statement = db.prepare(text);
          for (const row of rows) statement.run(row, (err: Error | null) => void (err && (failure ??= err)));
          statement.finalize();
          db.run('commit', (err: Error | null) => (err || failure ? reject(err ?? failure!) : resolve()));
        });
      }),
    close: () => new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve()))),
  };
}
