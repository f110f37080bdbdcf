import type { EntityManager, FilterQuery } from '@mikro-orm/core';

import { DAY_MS, utcMidnight } from '../../common/clock.js';
import { Submission } from '../entities/submission.entity.js';
import type { UsageEvent } from '../entities/usage-event.entity.js';
import type { UsageSettings } from '../entities/usage-settings.entity.js';

export interface ReportWindow {
  /** [start, end): whole UTC days. */
  start: Date;
  end: Date;
  days: number;
  /** Events older than this are never reported (history before the first report after opt-in). */
  floor: Date;
  /** True when the period holds at least one whole day that has ended, i.e. it could be built now. */
  complete: boolean;
}

/**
 * The next report's period. `end` is the latest UTC midnight; `start` is the previous report's
 * end, or, for the first report after an opt-in, `intervalDays` before `end`. Cancelled reports
 * do not count: their events are released to the next one.
 */
export async function nextReportWindow(em: EntityManager, settings: UsageSettings, now: Date, intervalDays: number): Promise<ReportWindow> {
  const latestMidnight = utcMidnight(now);
  const floor = settings.reportFloor ?? new Date(latestMidnight.getTime() - intervalDays * DAY_MS);
  const previous = await em.findOne(
    Submission,
    { status: { $ne: 'CANCELLED' }, periodEnd: { $gt: floor } },
    { orderBy: { periodEnd: 'desc' }, fields: ['periodEnd'] },
  );
  const start = previous ? previous.periodEnd : floor;
  const complete = latestMidnight.getTime() > start.getTime();
  // Nothing whole is left today: the next report is the one that ends at the coming midnight.
  const end = complete ? latestMidnight : new Date(start.getTime() + DAY_MS);
  return { start, end, days: Math.round((end.getTime() - start.getTime()) / DAY_MS), floor, complete };
}

/**
 * The events of the next report, the one rule the preview counts and the outbox assigns: not yet
 * in a report, before the window's end, and not older than the floor. So an event recorded late
 * (its day already reported) lands in the next report, and history before opting in never leaves.
 */
export function nextReportEvents(window: ReportWindow): FilterQuery<UsageEvent> {
  return { reportId: null, occurredAt: { $gte: window.floor, $lt: window.end } };
}
