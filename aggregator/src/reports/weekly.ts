import type { EntityManager } from '@mikro-orm/core';

import type { DatabaseKind } from '../../../common/db.js';
import { column, fragment, sql } from '../../../common/typed-sql.js';
import { ALERTS_DURING } from '../alerts/state.js';
import type { SummaryStore } from '../summary-store.js';
import { kAnonymousBuckets, type BucketCount, type FeatureAdoption } from '../summary.js';
import { recentWeeks } from '../week.js';

const TOP = 10;

/** The operator's weekly report: the last full ISO week (Monday to Monday, UTC) against the one before. */
export interface WeeklyReport {
  weekStart: string;
  weekEnd: string;
  generatedAt: string;
  /** Buckets below this many installations are folded into `other`, as in statsSummary. */
  kAnonymity: number;
  installations: {
    everReported: number;
    activeLast30Days: number;
    reportingThisWeek: number;
    reportingWeekBefore: number;
    /** reportingThisWeek against reportingWeekBefore (0.1 = +10 %); null without a week before. */
    growth: number | null;
    firstReportedThisWeek: number;
  };
  reports: { thisWeek: number; weekBefore: number };
  appVersions: BucketCount[];
  printerTypes: BucketCount[];
  features: FeatureAdoption[];
  errors: { thisWeek: number; weekBefore: number; byComponentAndType: BucketCount[] };
  anomalies: { kind: string; severity: string | null; message: string | null; openedAt: string | null; resolvedAt: string | null }[];
}

const NEW_INSTALLATIONS = sql<{ from: Date; to: Date }>`
  select count(*) as n from installation where first_report_at >= ${'from'} and first_report_at < ${'to'}`.returning({ n: column.int });
const WEEK_ERRORS = sql<{ week: string }>`select coalesce(sum(errors), 0) as n from installation_week where week_start = ${'week'}`.returning({
  n: column.int,
});

const errorTypes = (kind: DatabaseKind) => {
  const d =
    kind === 'sqlite'
      ? {
          type: fragment(`json_extract(e.value, '$.errorType')`),
          component: fragment(`coalesce(json_extract(e.value, '$.component'), 'none')`),
          count: fragment(`json_extract(e.value, '$.count')`),
          from: fragment(`report r, json_each(r.payload, '$.errors') e`),
        }
      : {
          type: fragment(`(e->>'errorType')`),
          component: fragment(`coalesce((e->>'component'), 'none')`),
          count: fragment(`(e->>'count')::int`),
          from: fragment(`report r cross join lateral jsonb_array_elements(r.payload->'errors') e`),
        };
  return sql<{ from: Date; to: Date }>`
    select ${d.component} || '/' || ${d.type} as k, sum(${d.count}) as n, count(distinct r.installation_id) as i
    from ${d.from} where r.received_at >= ${'from'} and r.received_at < ${'to'} group by 1`.returning({ k: column.text, n: column.int, i: column.int });
};
const ERROR_TYPES = { sqlite: errorTypes('sqlite'), postgresql: errorTypes('postgresql') };

/**
 * Builds the report of the ISO week before `now`'s. Distributions come from the public summary
 * (already folded for `k`); error types are counted from the week's raw reports and folded the
 * same way (a type fewer than k installations reported is in `other`).
 */
export async function buildWeeklyReport(o: { em: EntityManager; kind: DatabaseKind; summary: SummaryStore; k: number; now: Date }): Promise<WeeklyReport> {
  const [before, weekStart, current] = recentWeeks(o.now, 3) as [string, string, string];
  const from = new Date(weekStart);
  const to = new Date(current);
  const s = await o.summary.current(o.k);
  const weeks = new Map(s.weekly(4).map((w) => [w.weekStart, w]));
  const [thisWeek, weekBefore] = [weeks.get(weekStart), weeks.get(before)];
  const reporting = thisWeek?.reportingInstallations ?? 0;
  const reportingBefore = weekBefore?.reportingInstallations ?? 0;
  const errorRows = await ERROR_TYPES[o.kind].all(o.em, { from, to });
  const anomalies = await ALERTS_DURING.all(o.em, { from, to });
  return {
    weekStart,
    weekEnd: current,
    generatedAt: o.now.toISOString(),
    kAnonymity: o.k,
    installations: {
      everReported: s.installationsEverReported,
      activeLast30Days: s.activeInstallations(30),
      reportingThisWeek: reporting,
      reportingWeekBefore: reportingBefore,
      growth: reportingBefore ? Math.round(((reporting - reportingBefore) / reportingBefore) * 10_000) / 10_000 : null,
      firstReportedThisWeek: (await NEW_INSTALLATIONS.one(o.em, { from, to }))?.n ?? 0,
    },
    reports: { thisWeek: thisWeek?.reportsReceived ?? 0, weekBefore: weekBefore?.reportsReceived ?? 0 },
    appVersions: s.installationsByAppVersion.slice(0, TOP),
    printerTypes: s.printersByType.slice(0, TOP),
    features: s.featureAdoption.slice(0, TOP),
    errors: {
      thisWeek: (await WEEK_ERRORS.one(o.em, { week: weekStart }))?.n ?? 0,
      weekBefore: (await WEEK_ERRORS.one(o.em, { week: before }))?.n ?? 0,
      byComponentAndType: kAnonymousBuckets(new Map(errorRows.map((r) => [r.k, { count: r.n, installations: r.i }])), o.k).slice(0, TOP),
    },
    anomalies: anomalies.map((a) => ({
      kind: a.key.slice('anomaly:'.length),
      severity: a.severity,
      message: a.message,
      openedAt: a.opened_at?.toISOString() ?? null,
      resolvedAt: a.resolved_at?.toISOString() ?? null,
    })),
  };
}

/** Monday 00:00 UTC of `now`'s week: the report of the week before is due from then. */
export const weekOf = (now: Date): string => recentWeeks(now, 2)[0];
