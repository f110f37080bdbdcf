import type { EntityManager } from '@mikro-orm/core';

import { DAY_MS, utcMidnight } from '../../common/clock.js';
import type { DatabaseKind } from '../../common/db.js';
import { dayNumberSql, query, toInt } from '../../common/sql.js';
import { ACTIVE_DAYS } from './summary.js';
import { recentWeeks } from './week.js';

/** Every threshold the rules use; the README lists them. */
export const THRESHOLDS = {
  /** Week-over-week comparisons need at least this many in the earlier week. */
  minBase: 5,
  activeDrop: -0.2,
  activeDropHigh: -0.5,
  activeSpike: 0.5,
  /** Yesterday against the mean of the 30 days before it. */
  volumeSpikeFactor: 3,
  volumeSpikeMinReports: 10,
  volumeDropFactor: 0.2,
  volumeDropMinMean: 5,
  errorSpike: 0.5,
  errorSpikeHigh: 1,
  errorSpikeMinBase: 10,
  /** Share of active installations whose latest report has at least one error. */
  errorRate: 0.3,
  errorRateHigh: 0.5,
} as const;

export interface Anomaly {
  kind: string;
  severity: 'info' | 'medium' | 'high';
  message: string;
  detectedAt: Date;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * The operator's anomaly rules. Weeks are compared when complete (the last full ISO week against
 * the one before); volume uses yesterday, the last full UTC day.
 */
export async function detectAnomalies(em: EntityManager, kind: DatabaseKind, now: Date): Promise<Anomaly[]> {
  const T = THRESHOLDS;
  const found: Anomaly[] = [];
  const flag = (kind: string, severity: Anomaly['severity'], message: string) => found.push({ kind, severity, message, detectedAt: now });

  const [before, last] = recentWeeks(now, 3).slice(0, 2) as [string, string];
  const weeks = await query<{ week_start: string; active: unknown; errors: unknown }>(
    em,
    'select week_start, count(*) as active, sum(errors) as errors from installation_week where week_start in (?, ?) group by week_start',
    [before, last],
  );
  const week = (w: string) => weeks.find((r) => r.week_start === w);
  const [prevActive, curActive] = [toInt(week(before)?.active), toInt(week(last)?.active)];
  if (prevActive >= T.minBase) {
    const change = (curActive - prevActive) / prevActive;
    if (change < T.activeDrop)
      flag('active_installations_drop', change < T.activeDropHigh ? 'high' : 'medium', `Active installations fell ${pct(-change)} week over week (${prevActive} → ${curActive}, week of ${last}).`);
    else if (change > T.activeSpike) flag('active_installations_spike', 'info', `Active installations rose ${pct(change)} week over week (${prevActive} → ${curActive}, week of ${last}).`);
  }

  const [prevErrors, curErrors] = [toInt(week(before)?.errors), toInt(week(last)?.errors)];
  if (prevErrors >= T.errorSpikeMinBase) {
    const change = (curErrors - prevErrors) / prevErrors;
    if (change > T.errorSpike) flag('error_spike', change > T.errorSpikeHigh ? 'high' : 'medium', `Reported errors rose ${pct(change)} week over week (${prevErrors} → ${curErrors}).`);
  }

  const today = utcMidnight(now);
  const yesterday = new Date(today.getTime() - DAY_MS);
  const day = dayNumberSql(kind, 'received_at');
  const daily = await query<{ day: unknown; n: unknown }>(em, `select ${day} as day, count(*) as n from report where received_at >= ? and received_at < ? group by ${day}`, [
    new Date(yesterday.getTime() - 30 * DAY_MS),
    today,
  ]);
  const yesterdayNumber = Math.round(yesterday.getTime() / DAY_MS);
  const yesterdayCount = toInt(daily.find((d) => toInt(d.day) === yesterdayNumber)?.n);
  const mean = daily.filter((d) => toInt(d.day) !== yesterdayNumber).reduce((n, d) => n + toInt(d.n), 0) / 30;
  if (yesterdayCount >= T.volumeSpikeMinReports && yesterdayCount > T.volumeSpikeFactor * mean)
    flag('report_volume_spike', 'info', `${yesterdayCount} reports yesterday against a 30-day mean of ${mean.toFixed(1)} a day.`);
  else if (mean > T.volumeDropMinMean && yesterdayCount < T.volumeDropFactor * mean)
    flag('report_volume_drop', 'medium', `${yesterdayCount} reports yesterday against a 30-day mean of ${mean.toFixed(1)} a day.`);

  // Only installations whose latest report counts at least one error are "with errors".
  const [rate] = await query<{ active: unknown; failing: unknown }>(
    em,
    'select count(*) as active, coalesce(sum(case when error_count > 0 then 1 else 0 end), 0) as failing from installation where last_report_at >= ?',
    [new Date(now.getTime() - ACTIVE_DAYS * DAY_MS)],
  );
  const active = toInt(rate?.active);
  if (active >= T.minBase) {
    const share = toInt(rate?.failing) / active;
    if (share > T.errorRate) flag('high_error_rate', share > T.errorRateHigh ? 'high' : 'medium', `${pct(share)} of active installations reported errors in their latest report.`);
  }
  return found;
}
