import type { EntityManager, EntityName, FilterQuery, QueryOrderMap } from '@mikro-orm/core';

import { UserInputError } from '../errors.js';

/** The Relay connection arguments (https://relay.dev/graphql/connections.htm). */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** Counted only when a client selects it. */
  totalCount: () => Promise<number>;
}

type KeyValue = Date | number | string;

/** One column of the list order. The last key must be unique, so that every row has one place. */
export interface OrderKey<T> {
  field: keyof T & string;
  direction: 'asc' | 'desc';
  kind: 'date' | 'int' | 'string';
}

export const MAX_PAGE_SIZE = 500;

const encode = (values: KeyValue[]) => Buffer.from(JSON.stringify(values.map((v) => (v instanceof Date ? v.getTime() : v)))).toString('base64url');

function decode<T>(keys: readonly OrderKey<T>[], cursor: string, arg: string): KeyValue[] {
  const refuse = () => UserInputError.field(arg, 'is not a cursor returned by this field');
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw refuse();
  }
  if (!Array.isArray(values) || values.length !== keys.length) throw refuse();
  return keys.map((key, i) => {
    const v: unknown = values[i];
    if (key.kind === 'string' && typeof v === 'string' && v.length <= 200) return v;
    if (key.kind !== 'string' && typeof v === 'number' && Number.isSafeInteger(v)) return key.kind === 'date' ? new Date(v) : v;
    throw refuse();
  });
}

/** Rows strictly after (or before) the cursor position in the list order. */
function beyond<T>(keys: readonly OrderKey<T>[], at: KeyValue[], side: 'after' | 'before'): Record<string, unknown> {
  return {
    $or: keys.map((key, i) => {
      const ascending = (key.direction === 'asc') === (side === 'after');
      const equal = Object.fromEntries(keys.slice(0, i).map((k, j) => [k.field, at[j]]));
      return { ...equal, [key.field]: { [ascending ? '$gt' : '$lt']: at[i] } };
    }),
  };
}

/**
 * A Relay connection over `where`, keyset-paginated on `keys` so that a deep page costs the same
 * as the first and rows recorded meanwhile never shift a page. `first`/`after` walk the list
 * order, `last`/`before` walk back; edges always come in list order. Both page-info flags are
 * exact: the flag for the side the client came from costs one more lookup of at most one row.
 */
export async function keysetConnection<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: Record<string, unknown>,
  keys: readonly OrderKey<T>[],
  args: ConnectionArgs,
  defaultPageSize: number,
): Promise<Connection<T>> {
  if (args.first != null && args.last != null)
    throw UserInputError.field('last', 'cannot be combined with first; page forwards with first/after or backwards with last/before');
  for (const name of ['first', 'last'] as const) {
    const n = args[name];
    if (n != null && (n < 0 || n > MAX_PAGE_SIZE)) throw UserInputError.field(name, `must be from 0 to ${MAX_PAGE_SIZE}`);
  }
  const forward = args.last == null;
  const size = forward ? (args.first ?? defaultPageSize) : args.last!;
  const after = args.after ? decode(keys, args.after, 'after') : null;
  const before = args.before ? decode(keys, args.before, 'before') : null;
  const bounded = [where, ...(after ? [beyond(keys, after, 'after')] : []), ...(before ? [beyond(keys, before, 'before')] : [])];
  const filter = (conditions: Record<string, unknown>[]) => ({ $and: conditions }) as FilterQuery<T>;
  const order = keys.map((k) => ({ [k.field]: forward === (k.direction === 'asc') ? 'asc' : 'desc' })) as QueryOrderMap<T>[];

  const page = await em.find(entity, filter(bounded), { orderBy: order, limit: size + 1 });
  const nodes = page.slice(0, size);
  if (!forward) nodes.reverse();
  const more = page.length > size;
  // Whether anything lies on the far side of the cursor the client came from.
  const exists = async (at: KeyValue[] | null, side: 'after' | 'before') =>
    at !== null && (await em.find(entity, filter([where, { $not: beyond(keys, at, side) }]), { limit: 1 })).length > 0;

  const edges = nodes.map((node) => ({ cursor: encode(keys.map((k) => node[k.field] as KeyValue)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: forward ? more : await exists(before, 'before'),
      hasPreviousPage: forward ? await exists(after, 'after') : more,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => em.count(entity, filter([where])),
  };
}
