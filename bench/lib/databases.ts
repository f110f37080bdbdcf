import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import type { DatabaseKind } from '../../common/db.js';

/** The PostgreSQL server the bench may create throwaway databases on (the tests' server by default). */
export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface ThrowawayDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>, timeoutMs = 5000): Promise<T> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL, connectionTimeoutMillis: timeoutMs });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** True when the bench's PostgreSQL answers within the timeout; the bench then measures it too. */
export function postgresAnswers(timeoutMs = 1500): Promise<boolean> {
  return admin((c) => c.query('select 1'), timeoutMs).then(
    () => true,
    () => false,
  );
}

/** A fresh, empty database, dropped by drop(): a real SQLite file in a temporary folder, or a new PostgreSQL database. */
export async function throwawayDatabase(kind: DatabaseKind): Promise<ThrowawayDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'pzs-bench-'));
    return { url: `sqlite:${join(dir, 'bench.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `pzs_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`create database "${name}"`));
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => {}) };
}
