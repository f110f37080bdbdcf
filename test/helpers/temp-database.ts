import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

import type { DatabaseKind } from '../../common/db.js';

/** The PostgreSQL server the tests and the migration script may create throwaway databases on. */
export const ADMIN_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TempDatabase {
  kind: DatabaseKind;
  url: string;
  drop(): Promise<void>;
}

/** True when PostgreSQL answers within the timeout. */
export async function postgresReachable(timeoutMs = 1500): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_POSTGRES_URL, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database: a file in a temporary folder for SQLite (a real file, so WAL and
 * locking behave as in production), or a new database on the PostgreSQL server, so that
 * concurrent runs never collide.
 */
export async function createTempDatabase(kind: DatabaseKind): Promise<TempDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'pzs-'));
    return { kind, url: `sqlite:${join(dir, 'test.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `pzs_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database "${name}"`);
  const url = new URL(ADMIN_POSTGRES_URL);
  url.pathname = `/${name}`;
  return { kind, url: url.toString(), drop: () => adminQuery(`drop database if exists "${name}" with (force)`) };
}
