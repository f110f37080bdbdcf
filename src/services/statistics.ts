import type { EntityManager } from '@mikro-orm/core';

import { DAY_MS, isoDay, type Clock } from '../../common/clock.js';
import { databaseKind } from '../../common/db.js';
import { UsageEvent, type UsageEventType } from '../entities/usage-event.entity.js';
import { UserInputError } from '../errors.js';
import { dayNumberSql, query, toInt } from '../../common/sql.js';
import { uptimeHoursBetween } from './uptime.js';

export interface EventTypeCount {
  type: UsageEventType;
  count: number;
}

/**
 * Local statistics over [from, to) (from: the beginning, to: now), computed by SQL aggregation.
 * `thisWeek` is always the last 7 days: jobs = completed + failed, files = downloads.
 */
export async function usageStatistics({ em, clock }: { em: EntityManager; clock: Clock }, from?: Date | null, to?: Date | null) {
  const now = clock.now();
  const end = to ?? now;
  if (from && from.getTime() >= end.getTime()) throw UserInputError.field('from', 'must be before to');
  const start = from ?? new Date(0);
  const day = dayNumberSql(databaseKind(em), 'occurred_at');
  const rows = await query<{ day: unknown; type: UsageEventType; n: unknown }>(
    em,
    `select ${day} as day, type, count(*) as n from usage_event where occurred_at >= ? and occurred_at < ? group by ${day}, type order by 1, 2`,
    [start, end],
  );
  const totals = new Map<UsageEventType, number>();
  const days = new Map<number, EventTypeCount[]>();
  for (const r of rows) {
    const n = toInt(r.n);
    totals.set(r.type, (totals.get(r.type) ?? 0) + n);
    const d = toInt(r.day);
    if (!days.has(d)) days.set(d, []);
    days.get(d)!.push({ type: r.type, count: n });
  }
  const weekStart = new Date(now.getTime() - 7 * DAY_MS);
  const week = await query<{ type: UsageEventType; n: unknown }>(
    em,
    `select type, count(*) as n from usage_event where occurred_at >= ? and occurred_at <= ? group by type`,
    [weekStart, now],
  );
  const weekCount = (...types: UsageEventType[]) => week.filter((r) => types.includes(r.type)).reduce((sum, r) => sum + toInt(r.n), 0);
  const [first] = await em.find(UsageEvent, {}, { orderBy: { occurredAt: 'asc' }, fields: ['occurredAt'], limit: 1 });
  return {
    totalEvents: [...totals.values()].reduce((a, b) => a + b, 0),
    firstEventAt: first?.occurredAt ?? null,
    eventCounts: [...totals].map(([type, count]) => ({ type, count })).sort((a, b) => a.type.localeCompare(b.type)),
    daily: [...days].map(([d, counts]) => ({ date: isoDay(new Date(d * DAY_MS)), counts })),
    thisWeek: {
      jobCount: weekCount('JOB_COMPLETED', 'JOB_FAILED'),
      fileCount: weekCount('FILE_DOWNLOADED'),
      uploadCount: weekCount('FILE_UPLOADED'),
      errorCount: weekCount('ERROR_OCCURRED'),
    },
    uptimeHours: Math.round((await uptimeHoursBetween(em, from ?? null, end)) * 100) / 100,
  };
}
