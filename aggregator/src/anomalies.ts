import type { EntityManager } from '@mikro-orm/core';

import { DAY_MS, utcMidnight } from '../../common/clock.js';
import type { DatabaseKind } from '../../common/db.js';
import { dayNumberSql } from '../../common/sql.js';
import { column, fragment, sql } from '../../common/typed-sql.js';
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

/** One kind per rule, named as the GraphQL enum AnomalyKind names it. */
export type AnomalyKind =
  'ACTIVE_INSTALLATIONS_DROP' | 'ACTIVE_INSTALLATIONS_SPIKE' | 'REPORT_VOLUME_SPIKE' | 'REPORT_VOLUME_DROP' | 'ERROR_SPIKE' | 'HIGH_ERROR_RATE';
export type AnomalySeverity = 'INFO' | 'MEDIUM' | 'HIGH';

export interface Anomaly {
  kind: AnomalyKind;
  severity: AnomalySeverity;
  message: string;
  detectedAt: Date;
}

const TWO_WEEKS = sql<{ before: string; last: string }>`
  select week_start, count(*) as installations, sum(errors) as errors from installation_week where week_start in (${'before'}, ${'last'}) group by week_start`.returning(
  {
    week_start: column.text,
    installations: column.int,
    errors: column.int,
  },
);

/** Reports per UTC day number; the day expression differs per database. */
const dailyReports = (kind: DatabaseKind) => {
  const day = fragment(dayNumberSql(kind, 'received_at'));
  return sql<{ from: Date; to: Date }>`
    select ${day} as day, count(*) as n from report where received_at >= ${'from'} and received_at < ${'to'} group by ${day}`.returning({
    day: column.int,
    n: column.int,
  });
};
const DAILY_REPORTS: Record<DatabaseKind, ReturnType<typeof dailyReports>> = {
  sqlite: dailyReports('sqlite'),
  postgresql: dailyReports('postgresql'),
};

// Only installations whose latest report counts at least one error are "with errors".
const ERROR_RATE = sql<{ activeSince: Date }>`
  select count(*) as active, coalesce(sum(case when error_count > 0 then 1 else 0 end), 0) as failing from installation where last_report_at >= ${'activeSince'}`.returning(
  {
    active: column.int,
    failing: column.int,
  },
);

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * The operator's anomaly rules. Weeks are compared when complete (the last full ISO week against
 * the one before); volume uses yesterday, the last full UTC day.
 */
export async function detectAnomalies(em: EntityManager, kind: DatabaseKind, now: Date): Promise<Anomaly[]> {
  const T = THRESHOLDS;
  const found: Anomaly[] = [];
  const flag = (kind: AnomalyKind, severity: Anomaly['severity'], message: string) => found.push({ kind, severity, message, detectedAt: now });

  const [before, last] = recentWeeks(now, 3).slice(0, 2) as [string, string];
  const weeks = await TWO_WEEKS.all(em, { before, last });
  const week = (w: string) => weeks.find((r) => r.week_start === w);
  const [prevActive, curActive] = [week(before)?.installations ?? 0, week(last)?.installations ?? 0];
  if (prevActive >= T.minBase) {
    const change = (curActive - prevActive) / prevActive;
    if (change < T.activeDrop)
      flag(
        'ACTIVE_INSTALLATIONS_DROP',
        change < T.activeDropHigh ? 'HIGH' : 'MEDIUM',
        `Active installations fell ${pct(-change)} week over week (${prevActive} → ${curActive}, week of ${last}).`,
      );
    else if (change > T.activeSpike)
      flag('ACTIVE_INSTALLATIONS_SPIKE', 'INFO', `Active installations rose ${pct(change)} week over week (${prevActive} → ${curActive}, week of ${last}).`);
  }

  const [prevErrors, curErrors] = [week(before)?.errors ?? 0, week(last)?.errors ?? 0];
  if (prevErrors >= T.errorSpikeMinBase) {
    const change = (curErrors - prevErrors) / prevErrors;
    if (change > T.errorSpike)
      flag('ERROR_SPIKE', change > T.errorSpikeHigh ? 'HIGH' : 'MEDIUM', `Reported errors rose ${pct(change)} week over week (${prevErrors} → ${curErrors}).`);
  }

  const today = utcMidnight(now);
  const yesterday = new Date(today.getTime() - DAY_MS);
  const daily = await DAILY_REPORTS[kind].all(em, { from: new Date(yesterday.getTime() - 30 * DAY_MS), to: today });
  const yesterdayNumber = Math.round(yesterday.getTime() / DAY_MS);
  const yesterdayCount = daily.find((d) => d.day === yesterdayNumber)?.n ?? 0;
  const mean = daily.filter((d) => d.day !== yesterdayNumber).reduce((n, d) => n + d.n, 0) / 30;
  if (yesterdayCount >= T.volumeSpikeMinReports && yesterdayCount > T.volumeSpikeFactor * mean)
    flag('REPORT_VOLUME_SPIKE', 'INFO', `${yesterdayCount} reports yesterday against a 30-day mean of ${mean.toFixed(1)} a day.`);
  else if (mean > T.volumeDropMinMean && yesterdayCount < T.volumeDropFactor * mean)
    flag('REPORT_VOLUME_DROP', 'MEDIUM', `${yesterdayCount} reports yesterday against a 30-day mean of ${mean.toFixed(1)} a day.`);

  const rate = await ERROR_RATE.one(em, { activeSince: new Date(now.getTime() - ACTIVE_DAYS * DAY_MS) });
  const active = rate?.active ?? 0;
  if (active >= T.minBase) {
    const share = (rate?.failing ?? 0) / active;
    if (share > T.errorRate)
      flag('HIGH_ERROR_RATE', share > T.errorRateHigh ? 'HIGH' : 'MEDIUM', `${pct(share)} of active installations reported errors in their latest report.`);
  }
  return found;
}
