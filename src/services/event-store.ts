import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';

import type { Clock } from '../../common/clock.js';
import { StorageError, UserInputError } from '../errors.js';
import { UsageEvent, type UsageEventType } from '../entities/usage-event.entity.js';
import { MAX_EVENTS_PER_CALL, validateEvent, type UsageEventInput } from './events.js';

/**
 * Validates every event first, then stores them all in one transaction: all or nothing. A storage
 * fault (locked or unreachable database) becomes SERVICE_UNAVAILABLE, never a crash of the caller.
 */
export async function recordEvents(
  em: EntityManager,
  clock: Clock,
  logger: Logger,
  inputs: UsageEventInput[],
  path: (i: number) => string,
  knownPrinterTypes?: ReadonlySet<string>,
): Promise<UsageEvent[]> {
  if (inputs.length > MAX_EVENTS_PER_CALL) throw UserInputError.field('inputs', `at most ${MAX_EVENTS_PER_CALL} events per call (got ${inputs.length})`);
  const now = clock.now();
  const rows = inputs.map((input, i) => validateEvent(input, clock, path(i), knownPrinterTypes));
  try {
    const data = rows.map((row) => ({ ...row, reportId: null, createdAt: now }));
    // One multi-row insert (a single statement: all or nothing by itself) that returns the new ids,
    // instead of an entity and a change set per event in the unit of work, which cost most of a batch.
    // The driver types a transaction as `any`; it is passed through as it came.
    const ctx: unknown = em.getTransactionContext();
    const result = await em.getDriver().nativeInsertMany<UsageEvent>(UsageEvent.meta.className, data, { ctx });
    const ids = (result.rows ?? []).map((r) => Number(r.id));
    if (ids.length !== data.length) throw new Error(`${ids.length} ids returned for ${data.length} events`);
    return data.map((row, i) => ({ id: ids[i], ...row }));
  } catch (err) {
    logger.error({ err }, 'usage event not stored');
    throw StorageError.unavailable(inputs.length === 1 ? 'the event' : `the ${inputs.length} events`);
  }
}

export interface EventFilter {
  type?: UsageEventType | null;
  from?: Date | null;
  to?: Date | null;
}

function whereOf(filter: EventFilter) {
  const occurredAt: { $gte?: Date; $lt?: Date } = {};
  if (filter.from) occurredAt.$gte = filter.from;
  if (filter.to) occurredAt.$lt = filter.to;
  return { ...(filter.type ? { type: filter.type } : {}), ...(filter.from || filter.to ? { occurredAt } : {}) };
}

const encodeCursor = (e: UsageEvent) => Buffer.from(`${e.occurredAt.getTime()}:${e.id}`).toString('base64url');

function decodeCursor(cursor: string): { at: Date; id: number } {
  const match = /^(-?\d{1,15}):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw UserInputError.field('after', 'is not a cursor returned by this API');
  return { at: new Date(Number(match[1])), id: Number(match[2]) };
}

/** Newest first, keyset-paginated on (occurredAt, id) so deep pages cost the same as the first. */
export async function listEvents(em: EntityManager, filter: EventFilter, first: number, after?: string | null) {
  const where = whereOf(filter);
  const cursor = after ? decodeCursor(after) : null;
  const page = await em.find(
    UsageEvent,
    cursor ? { $and: [where, { $or: [{ occurredAt: { $lt: cursor.at } }, { occurredAt: cursor.at, id: { $lt: cursor.id } }] }] } : where,
    { orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], limit: first + 1 },
  );
  const nodes = page.slice(0, first);
  return {
    edges: nodes.map((node) => ({ cursor: encodeCursor(node), node })),
    pageInfo: { hasNextPage: page.length > first, endCursor: nodes.length ? encodeCursor(nodes.at(-1)!) : null },
    totalCount: () => em.count(UsageEvent, where),
  };
}
