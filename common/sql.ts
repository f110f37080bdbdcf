import type { EntityManager } from '@mikro-orm/core';

import type { DatabaseKind } from './db.js';

/**
 * Runs a read query with `?` placeholders. Dates are converted the way the platform stores them
 * (epoch milliseconds on SQLite, timestamptz on PostgreSQL), so comparisons are on instants.
 */
export async function query<T = Record<string, unknown>>(em: EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  // The core Connection types its result as `any`; the caller names the row shape.
  const rows: unknown = await em.getConnection().execute(text, bind(em, params), 'all', em.getTransactionContext());
  return rows as T[];
}

/** Runs a write with `?` placeholders (dates bound as for `query`); returns the affected rows. */
export async function execute(em: EntityManager, text: string, params: unknown[] = []): Promise<number> {
  const res: unknown = await em.getConnection().execute(text, bind(em, params), 'run', em.getTransactionContext());
  return (res as { affectedRows: number }).affectedRows;
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
  if (typeof value === 'number') return value;
  if (typeof value === 'string' || typeof value === 'bigint') return Number.parseInt(String(value), 10);
  return value === null || value === undefined ? 0 : Number.NaN;
}

/** A timestamp read by raw SQL: epoch milliseconds (SQLite), or a Date or text (PostgreSQL). */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string') return new Date(/^\d+$/.test(value) ? Number(value) : value);
  return new Date(Number.NaN);
}
