import type { EntityManager } from '@mikro-orm/core';

import { DAY_MS } from '../../common/clock.js';
import type { DatabaseKind } from '../../common/db.js';
import { column, fragment, sql } from '../../common/typed-sql.js';
import { recentWeeks } from './week.js';

/** The most weeks the dashboard snapshot holds (and `dashboard(weeks:)` accepts). */
export const DASHBOARD_WEEKS = 26;

/** One ISO week as stored, before k-anonymity: every list is bounded by distinct values, not installations. */
export interface DashboardWeekBody {
  weekStart: string;
  /** Installations with a report received this week (installation_week, as statsSummary.weekly). */
  installations: number;
  /** Installations whose latest report of the week was read for versions and features. */
  described: number;
  /** [appVersion, installations]. */
  versions: [string, number][];
  /** [feature, installations with it enabled, installations reporting it]. */
  features: [string, number, number][];
  /** [component, errorType, occurrences, installations]; component "" when not attributed. */
  errors: [string, string, number, number][];
}

export interface DashboardBody {
  generatedAt: string;
  weeks: DashboardWeekBody[];
}

const dialect = {
  sqlite: {
    version: fragment(`json_extract(l.payload, '$.installation.appVersion')`),
    featureFrom: fragment(`latest l, json_each(l.payload, '$.features') f`),
    feature: fragment(`json_extract(f.value, '$.feature')`),
    enabled: fragment(`json_extract(f.value, '$.enabled')`),
    errorFrom: fragment(`report r, json_each(r.payload, '$.errors') e`),
    component: fragment(`coalesce(json_extract(e.value, '$.component'), '')`),
    errorType: fragment(`json_extract(e.value, '$.errorType')`),
    errorCount: fragment(`json_extract(e.value, '$.count')`),
  },
  postgresql: {
    version: fragment(`l.payload->'installation'->>'appVersion'`),
    featureFrom: fragment(`latest l cross join lateral jsonb_array_elements(l.payload->'features') f`),
    feature: fragment(`f->>'feature'`),
    enabled: fragment(`(f->>'enabled')::boolean`),
    errorFrom: fragment(`report r cross join lateral jsonb_array_elements(r.payload->'errors') e`),
    component: fragment(`coalesce(e->>'component', '')`),
    errorType: fragment(`e->>'errorType'`),
    errorCount: fragment(`(e->>'count')::int`),
  },
};

/**
 * One week in one statement: each installation's latest report received in the week gives its
 * version and features; errors add up over all the week's reports. Only one row per distinct value
 * comes back. `x` separates the folds: v(ersion), f(eature), e(rror). `latest` is materialized:
 * read three times, it would otherwise be ranked three times.
 */
const weekStatement = (kind: DatabaseKind) => {
  const d = dialect[kind];
  return sql<{ from: Date; to: Date }>`
    with latest as materialized (
      select payload from (
        select payload, row_number() over (partition by installation_id order by received_at desc, id) as rn
        from report where received_at >= ${'from'} and received_at < ${'to'}) ranked
      where rn = 1)
    select 'n' as x, '' as a, '' as b, count(*) as n, count(*) as i from latest
    union all select 'v', ${d.version}, '', count(*), count(*) from latest l group by ${d.version}
    union all select 'f', ${d.feature}, '', sum(case when ${d.enabled} then 1 else 0 end), count(*) from ${d.featureFrom} group by ${d.feature}
    union all select 'e', ${d.component}, ${d.errorType}, sum(${d.errorCount}), count(distinct r.installation_id) from ${d.errorFrom}
      where r.received_at >= ${'from'} and r.received_at < ${'to'} group by ${d.component}, ${d.errorType}`.returning({
    x: column.text,
    a: column.nullableText,
    b: column.nullableText,
    n: column.int,
    i: column.int,
  });
};
const WEEK = { sqlite: weekStatement('sqlite'), postgresql: weekStatement('postgresql') };

const ACTIVE_WEEKS = sql<{ firstWeek: string }>`
  select week_start, count(*) as installations from installation_week where week_start >= ${'firstWeek'} group by week_start`.returning({
  week_start: column.text,
  installations: column.int,
});

async function computeWeek(em: EntityManager, kind: DatabaseKind, weekStart: string, installations: number): Promise<DashboardWeekBody> {
  const from = new Date(`${weekStart}T00:00:00.000Z`);
  const rows = await WEEK[kind].all(em, { from, to: new Date(from.getTime() + 7 * DAY_MS) });
  return {
    weekStart,
    installations,
    described: rows.find((r) => r.x === 'n')?.n ?? 0,
    versions: rows.filter((r) => r.x === 'v').map((r) => [r.a ?? '', r.i]),
    features: rows.filter((r) => r.x === 'f').map((r) => [r.a ?? '', r.n, r.i]),
    errors: rows.filter((r) => r.x === 'e').map((r) => [r.a ?? '', r.b ?? '', r.n, r.i]),
  };
}

/**
 * The dashboard's weeks as of `now`. A week that had already ended when `previous` was computed
 * (at the same summary epoch: no deletion since) is taken from it unchanged, so a refresh reads the
 * reports of the current week only; the costly full pass happens once after a deletion or a restart.
 */
export async function computeDashboard(em: EntityManager, kind: DatabaseKind, now: Date, previous: DashboardBody | null): Promise<DashboardBody> {
  const weeks = recentWeeks(now, DASHBOARD_WEEKS);
  const active = new Map((await ACTIVE_WEEKS.all(em, { firstWeek: weeks[0] })).map((r) => [r.week_start, r.installations]));
  const closedBefore = previous ? new Date(previous.generatedAt).getTime() : 0;
  const kept = new Map((previous?.weeks ?? []).map((w) => [w.weekStart, w]));
  const out: DashboardWeekBody[] = [];
  for (const weekStart of weeks) {
    const ended = new Date(`${weekStart}T00:00:00.000Z`).getTime() + 7 * DAY_MS <= closedBefore;
    const old = kept.get(weekStart);
    out.push(ended && old ? { ...old, installations: active.get(weekStart) ?? 0 } : await computeWeek(em, kind, weekStart, active.get(weekStart) ?? 0));
  }
  return { generatedAt: now.toISOString(), weeks: out };
}
