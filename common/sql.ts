import type { EntityManager } from '@mikro-orm/core';

import type { DatabaseKind } from './db.js';

/**
 * Runs a read query with `?` placeholders. Dates are converted the way the platform stores them
 * (epoch milliseconds on SQLite, timestamptz on PostgreSQL), so comparisons are on instants.
 */
export async function query<T = Record<string, unknown>>(em: EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(text, bind(em, params), 'all', em.getTransactionContext());
}

/** Runs a write with `?` placeholders (dates bound as for `query`); returns the affected rows. */
export async function execute(em: EntityManager, text: string, params: unknown[] = []): Promise<number> {
  const res = await em.getConnection().execute<{ affectedRows: number }>(text, bind(em, params), 'run', em.getTransactionContext());
  return res.affectedRows;
}

function bind(em: EntityManager, params: unknown[]): never[] {
  const platform = em.getPlatform();
  return params.map((p) => (p instanceof Date ? platform.processDateProperty(p) : p)) as never[];
}

/** SQL for the UTC day number (days since 1970-01-01) of a timestamp column. */
export function dayNumberSql(kind: DatabaseKind, column: string): string {
  return kind === 'sqlite' ? `cast(${column} / 86400000 as integer)` : `cast(floor(extract(epoch from ${column}) / 86400) as integer)`;
}

export function toInt(value: unknown): number {
  return typeof value === 'number' ? value : Number.parseInt(String(value ?? 0), 10);
}

/** A timestamp read by raw SQL: epoch milliseconds (SQLite), or a Date or text (PostgreSQL). */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number' || /^\d+$/.test(String(value))) return new Date(Number(value));
  return new Date(String(value));
}
