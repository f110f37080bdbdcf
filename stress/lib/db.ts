/**
 * Looking at what the services stored, from the side: a second connection to the same SQLite file
 * (WAL lets it read while the service writes) or PostgreSQL database. Throwaway databases come
 * from the bench's helper.
 */
import pg from 'pg';
import sqlite3 from 'sqlite3';

export { postgresAnswers, throwawayDatabase, type ThrowawayDatabase } from '../../bench/lib/databases.js';

export interface SideConnection {
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** `select count(*)` of each table, in one statement. */
  counts(tables: string[]): Promise<Record<string, number>>;
  /** SQLite: `PRAGMA integrity_check` (its first line, "ok" when sound). PostgreSQL: "n/a". */
  integrity(): Promise<string>;
  close(): Promise<void>;
}

export async function connect(url: string): Promise<SideConnection> {
  if (url.startsWith('sqlite:')) {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(url.slice('sqlite:'.length), (err) => (err ? reject(err) : resolve(d)));
    });
    db.configure('busyTimeout', 10_000);
    const all = <T>(sql: string, params: unknown[] = []) =>
      new Promise<T[]>((resolve, reject) => db.all(sql, params, (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows))));
    return {
      all,
      counts: (tables) => counts(all, tables),
      integrity: async () => (await all<{ integrity_check: string }>('pragma integrity_check')).map((r) => r.integrity_check).join('; '),
      close: () => new Promise<void>((resolve) => db.close(() => resolve())),
    };
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  client.on('error', () => {});
  const all = async <T>(sql: string, params: unknown[] = []) =>
    (
      await client.query(
        sql.replace(/\?/g, (_, i: number) => `$${countBefore(sql, i)}`),
        params,
      )
    ).rows as T[];
  return {
    all,
    counts: (tables) => counts(all, tables),
    integrity: async () => 'n/a',
    close: () => client.end().catch(() => {}),
  };
}

/** The n-th `?` of the statement (1-based), for turning `?` placeholders into `$n`. */
function countBefore(sql: string, index: number): number {
  return sql.slice(0, index + 1).split('?').length - 1;
}

async function counts(all: <T>(sql: string) => Promise<T[]>, tables: string[]): Promise<Record<string, number>> {
  const sql = `select ${tables.map((t) => `(select count(*) from ${t}) as ${t}`).join(', ')}`;
  const [row] = await all<Record<string, unknown>>(sql);
  return Object.fromEntries(tables.map((t) => [t, Number(row[t])]));
}
