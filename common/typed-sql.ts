/**
 * Hand-written SQL with named, typed parameters and named, decoded result columns, for the
 * statements an ORM call would only obscure (upserts, aggregates). It runs as positional `?`
 * underneath, through `query`/`execute`, so dates are bound the same way on both databases.
 *
 *   const secretHash = sql<{ id: string }>`select secret_hash from installation where id = ${'id'}`
 *     .returning({ secret_hash: column.text });
 *   const row = await secretHash.one(em, { id });   // { secret_hash: string } | undefined
 */
import type { EntityManager } from '@mikro-orm/core';

import type { DatabaseKind } from './db.js';
import { instantParam, type DriverConnection } from './driver.js';
import { execute, query, toDate, toInt } from './sql.js';

/** SQL text the code itself builds (e.g. a per-database expression); never a value from input. */
export class SqlFragment {
  constructor(readonly text: string) {}
}

export const fragment = (text: string): SqlFragment => new SqlFragment(text);

/** Turns one raw column value, as the driver returns it, into its TypeScript value. */
export type Decoder<T> = (raw: unknown) => T;
export type Columns = Record<string, Decoder<unknown>>;
export type RowOf<C extends Columns> = { [K in keyof C]: ReturnType<C[K]> };

function asText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
  throw new Error(`a text column read a ${typeof raw}`);
}

/**
 * Decoders for what the two drivers return differently: counts are numbers on SQLite and
 * strings (bigint) on PostgreSQL; timestamps are epoch milliseconds or Dates; JSON is text or parsed.
 */
export const column = {
  /** A whole number; SQL null (e.g. `sum` over no rows) reads as 0. */
  int: ((raw) => toInt(raw)) as Decoder<number>,
  text: ((raw) => {
    if (raw === null || raw === undefined) throw new Error('a text column read null');
    return asText(raw);
  }) as Decoder<string>,
  nullableText: ((raw) => (raw === null || raw === undefined ? null : asText(raw))) as Decoder<string | null>,
  /** A timestamp; null stays null. */
  date: ((raw) => toDate(raw)) as Decoder<Date | null>,
  json:
    <T>(): Decoder<T> =>
    (raw) =>
      (typeof raw === 'string' ? JSON.parse(raw) : raw) as T,
};

let statements = 0;

/** A statement with named parameters; `run` it as a write, or declare its columns to read rows. */
export class NamedSql<P extends object> {
  /** Its prepared-statement name on a driver connection (common/driver.ts). */
  readonly name = `typed_sql_${++statements}`;

  constructor(
    /** The text with positional `?` placeholders, as the driver receives it. */
    readonly text: string,
    /** The parameter name of each placeholder, in order (a name may repeat). */
    readonly names: readonly (keyof P & string)[],
  ) {}

  /** Runs a write; returns the affected rows. */
  run(em: EntityManager, params: P): Promise<number> {
    return execute(em, this.text, this.bind(params));
  }

  /** Runs a write on a driver connection (common/driver.ts); returns the affected rows. */
  runOn(c: DriverConnection, params: P): Promise<number> {
    return c.run(this, this.bindFor(c.kind, params));
  }

  /** Names the result columns and how each is decoded; the row type follows from them. */
  returning<C extends Columns>(columns: C): NamedQuery<P, C> {
    return new NamedQuery(this, columns);
  }

  bind(params: P): unknown[] {
    return this.names.map((name) => {
      const value = params[name];
      // A missing parameter would bind as NULL and quietly match nothing.
      if (value === undefined) throw new Error(`SQL parameter "${name}" has no value`);
      return value;
    });
  }

  /** As `bind`, with instants as the platform stores them (what MikroORM's `query`/`execute` do for `bind`'s Dates). */
  bindFor(kind: DatabaseKind, params: P): unknown[] {
    return this.bind(params).map((v) => (v instanceof Date ? instantParam(kind, v) : v));
  }
}

export class NamedQuery<P extends object, C extends Columns> {
  constructor(
    readonly statement: NamedSql<P>,
    readonly columns: C,
  ) {}

  async all(em: EntityManager, params: P): Promise<RowOf<C>[]> {
    const rows = await query<Record<string, unknown>>(em, this.statement.text, this.statement.bind(params));
    return rows.map((raw) => this.decode(raw));
  }

  /** The first row, or undefined when there is none. */
  async one(em: EntityManager, params: P): Promise<RowOf<C> | undefined> {
    return (await this.all(em, params))[0];
  }

  /** As `all`, on a driver connection (common/driver.ts). */
  async allOn(c: DriverConnection, params: P): Promise<RowOf<C>[]> {
    const rows = await c.all(this.statement, this.statement.bindFor(c.kind, params));
    return rows.map((raw) => this.decode(raw));
  }

  async oneOn(c: DriverConnection, params: P): Promise<RowOf<C> | undefined> {
    return (await this.allOn(c, params))[0];
  }

  private decode(raw: Record<string, unknown>): RowOf<C> {
    const row: Record<string, unknown> = {};
    for (const [name, decode] of Object.entries(this.columns)) {
      // A misspelt alias would otherwise decode as 0 or null without anyone noticing.
      if (!(name in raw)) throw new Error(`SQL result has no column "${name}" (has ${Object.keys(raw).join(', ')})`);
      row[name] = decode(raw[name]);
    }
    return row as RowOf<C>;
  }
}

/**
 * `sql<Params>`…${'name'}…``: each interpolation is a parameter name, checked against `Params`,
 * or a `SqlFragment`. Without a type argument the statement takes no parameters.
 */
export function sql<P extends object = Record<never, never>>(strings: TemplateStringsArray, ...parts: ((keyof P & string) | SqlFragment)[]): NamedSql<P> {
  let text = strings[0];
  const names: (keyof P & string)[] = [];
  parts.forEach((part, i) => {
    if (part instanceof SqlFragment) text += part.text;
    else {
      names.push(part);
      text += '?';
    }
    text += strings[i + 1];
  });
  return new NamedSql<P>(text, names);
}
