import type { EntityManager } from '@mikro-orm/core';

import { DAY_MS } from '../../common/clock.js';
import type { DatabaseKind } from '../../common/db.js';
import { column, fragment, sql } from '../../common/typed-sql.js';
import { recentWeeks } from './week.js';

export const ACTIVE_DAYS = 30;
export const OTHER = 'other';
/** The widest windows the schema accepts: a snapshot holds enough to answer any of them. */
export const MAX_DAYS = 3650;
export const MAX_WEEKS = 104;

export interface BucketCount {
  key: string;
  count: number;
  share: number;
}

export interface FeatureAdoption {
  feature: string;
  enabledInstallations: number;
  share: number;
}

export interface WeekReceived {
  /** Monday of the ISO week, YYYY-MM-DD. */
  weekStart: string;
  reportingInstallations: number;
  reportsReceived: number;
  jobsCompletedInReportsReceived: number;
}

/** The public summary as of `generatedAt`; distributions describe the installations active in the last ACTIVE_DAYS. */
export interface StatsSummary {
  generatedAt: Date;
  reportsAccepted: number;
  installationsEverReported: number;
  lastReportReceivedAt: Date | null;
  printersOfActiveInstallations: number;
  printersByType: BucketCount[];
  printersByModel: BucketCount[];
  installationsByAppVersion: BucketCount[];
  installationsByPlatform: BucketCount[];
  installationsByDeploymentMode: BucketCount[];
  installationsByCountry: BucketCount[];
  featureAdoption: FeatureAdoption[];
  /** Installations whose last report was received within `days` × 24 hours before generatedAt. */
  activeInstallations(days: number): number;
  /** The last `weeks` ISO weeks up to generatedAt's, oldest first, zero-filled. */
  weekly(weeks: number): WeekReceived[];
}

interface Tally {
  count: number;
  installations: number;
}

/** [key, count, installations]: one bucket before folding. */
type TallyRow = [string, number, number];

/**
 * What a snapshot stores: the unfolded tallies, so each instance folds by its own K at read time.
 * Every list is bounded by distinct values (versions, countries, models, weeks, days), never by
 * the number of installations.
 */
export interface SummarySnapshotBody {
  generatedAt: string;
  reportsAccepted: number;
  installationsEverReported: number;
  lastReportReceivedAt: string | null;
  activeCount: number;
  printersOfActiveInstallations: number;
  /** [d, n]: n installations last reported within d × 24 hours but not within (d − 1) × 24 hours; d ≤ MAX_DAYS. */
  activeByAge: [number, number][];
  printersByType: TallyRow[];
  printersByModel: TallyRow[];
  installationsByAppVersion: TallyRow[];
  installationsByPlatform: TallyRow[];
  installationsByDeploymentMode: TallyRow[];
  installationsByCountry: TallyRow[];
  /** [feature, enabled installations, reporting installations]. */
  features: [string, number, number][];
  /** Weeks with reports among the last MAX_WEEKS. */
  weeks: WeekReceived[];
}

/**
 * Buckets sorted by count. Any bucket fewer than `k` installations fall in is folded into `other`,
 * so no published number describes fewer than k installations.
 */
export function kAnonymousBuckets(tallies: Map<string, Tally>, k: number): BucketCount[] {
  const out = new Map<string, number>();
  let total = 0;
  for (const [key, t] of tallies) {
    total += t.count;
    const bucket = t.installations < k ? OTHER : key;
    out.set(bucket, (out.get(bucket) ?? 0) + t.count);
  }
  return [...out]
    .map(([key, count]) => ({ key, count, share: total ? Math.round((count / total) * 10_000) / 10_000 : 0 }))
    .sort((a, b) => (a.key === OTHER ? 1 : b.key === OTHER ? -1 : b.count - a.count || a.key.localeCompare(b.key)));
}

const ratio = (n: number, of: number) => (of ? Math.round((n / of) * 10_000) / 10_000 : 0);
const fold = (rows: TallyRow[], k: number) => kAnonymousBuckets(new Map(rows.map(([key, count, installations]) => [key, { count, installations }])), k);

/** The public summary from a snapshot, k-anonymous for this instance's K. */
export function summaryOf(b: SummarySnapshotBody, k: number): StatsSummary {
  const generatedAt = new Date(b.generatedAt);
  return {
    generatedAt,
    reportsAccepted: b.reportsAccepted,
    installationsEverReported: b.installationsEverReported,
    lastReportReceivedAt: b.lastReportReceivedAt === null ? null : new Date(b.lastReportReceivedAt),
    printersOfActiveInstallations: b.printersOfActiveInstallations,
    printersByType: fold(b.printersByType, k),
    printersByModel: fold(b.printersByModel, k),
    installationsByAppVersion: fold(b.installationsByAppVersion, k),
    installationsByPlatform: fold(b.installationsByPlatform, k),
    installationsByDeploymentMode: fold(b.installationsByDeploymentMode, k),
    installationsByCountry: fold(b.installationsByCountry, k),
    // A feature only a few installations report could single them out: it is left out.
    featureAdoption: b.features
      .filter(([, , reporting]) => reporting >= k)
      .map(([feature, enabled]) => ({ feature, enabledInstallations: enabled, share: ratio(enabled, b.activeCount) }))
      .sort((x, y) => y.enabledInstallations - x.enabledInstallations || x.feature.localeCompare(y.feature)),
    activeInstallations: (days) => b.activeByAge.reduce((n, [age, count]) => (age <= days ? n + count : n), 0),
    weekly: (weeks) => {
      const byWeek = new Map(b.weeks.map((w) => [w.weekStart, w]));
      return recentWeeks(generatedAt, weeks).map(
        (weekStart) => byWeek.get(weekStart) ?? { weekStart, reportingInstallations: 0, reportsReceived: 0, jobsCompletedInReportsReceived: 0 },
      );
    },
  };
}

const TOTALS = sql`select count(*) as installations, max(last_report_at) as latest from installation`.returning({
  installations: column.int,
  latest: column.date,
});
const REPORTS_ACCEPTED = sql`select coalesce(sum(reports), 0) as n from installation_week`.returning({ n: column.int });
const tallyColumns = { k: column.text, n: column.int, i: column.int };
const BY_STATE = sql<{ activeSince: Date }>`
  select 'installationsByAppVersion' as d, app_version as k, count(*) as n, count(*) as i from installation where last_report_at >= ${'activeSince'} group by app_version
  union all select 'installationsByPlatform', platform, count(*), count(*) from installation where last_report_at >= ${'activeSince'} group by platform
  union all select 'installationsByDeploymentMode', deployment_mode, count(*), count(*) from installation where last_report_at >= ${'activeSince'} group by deployment_mode
  union all select 'installationsByCountry', coalesce(country_code, 'unknown'), count(*), count(*) from installation where last_report_at >= ${'activeSince'} group by coalesce(country_code, 'unknown')
  union all select 'printers', 'all', coalesce(sum(printer_count), 0), count(*) from installation where last_report_at >= ${'activeSince'}`.returning({
  d: column.text,
  ...tallyColumns,
});

/** Per-database SQL: the age in days of a last report, and the JSON lists of each latest state unpacked. */
const dialect = {
  sqlite: {
    ageBefore: fragment('('),
    ageAfter: fragment(` - last_report_at + ${DAY_MS - 1}) / ${DAY_MS}`),
    type: fragment(`json_extract(t.value, '$.type')`),
    model: fragment(`json_extract(t.value, '$.type') || '/' || json_extract(t.value, '$.model')`),
    printers: fragment(`json_extract(t.value, '$.count')`),
    typesFrom: fragment('installation i, json_each(i.printer_types) t'),
    feature: fragment(`json_extract(f.value, '$.feature')`),
    enabled: fragment(`json_extract(f.value, '$.enabled')`),
    featuresFrom: fragment('installation i, json_each(i.features) f'),
  },
  postgresql: {
    ageBefore: fragment('ceil(extract(epoch from (cast('),
    ageAfter: fragment(' as timestamptz) - last_report_at)) / 86400)'),
    type: fragment(`t->>'type'`),
    model: fragment(`(t->>'type') || '/' || (t->>'model')`),
    printers: fragment(`(t->>'count')::int`),
    typesFrom: fragment('installation i cross join lateral jsonb_array_elements(i.printer_types) t'),
    feature: fragment(`f->>'feature'`),
    enabled: fragment(`(f->>'enabled')::boolean`),
    featuresFrom: fragment('installation i cross join lateral jsonb_array_elements(i.features) f'),
  },
};

const statements = (kind: DatabaseKind) => {
  const d = dialect[kind];
  return {
    ages: sql<{
      now: Date;
      since: Date;
    }>`select ${d.ageBefore}${'now'}${d.ageAfter} as age, count(*) as n from installation where last_report_at >= ${'since'} group by 1`.returning({
      age: column.int,
      n: column.int,
    }),
    types: sql<{
      activeSince: Date;
    }>`select ${d.type} as k, sum(${d.printers}) as n, count(distinct i.id) as i from ${d.typesFrom} where i.last_report_at >= ${'activeSince'} group by 1`.returning(
      tallyColumns,
    ),
    models: sql<{
      activeSince: Date;
    }>`select ${d.model} as k, sum(${d.printers}) as n, count(distinct i.id) as i from ${d.typesFrom} where i.last_report_at >= ${'activeSince'} group by 1`.returning(
      tallyColumns,
    ),
    features: sql<{
      activeSince: Date;
    }>`select ${d.feature} as k, count(distinct case when ${d.enabled} then i.id end) as n, count(distinct i.id) as i from ${d.featuresFrom} where i.last_report_at >= ${'activeSince'} group by 1`.returning(
      tallyColumns,
    ),
    weeks: sql<{ firstWeek: string }>`
      select week_start, count(*) as installations, sum(reports) as reports, sum(jobs_completed) as jobs_completed
      from installation_week where week_start >= ${'firstWeek'} group by week_start`.returning({
      week_start: column.text,
      installations: column.int,
      reports: column.int,
      jobs_completed: column.int,
    }),
  };
};
const byKind = { sqlite: statements('sqlite'), postgresql: statements('postgresql') };

/**
 * Computes the summary as of `now` with a few grouped queries: the database does the counting and
 * only one row per distinct value comes back. Its cost grows with the fleet, so it runs on a
 * schedule (SummaryStore), never once per request.
 */
export async function computeSnapshot(em: EntityManager, kind: DatabaseKind, now: Date): Promise<SummarySnapshotBody> {
  const q = byKind[kind];
  const activeSince = new Date(now.getTime() - ACTIVE_DAYS * DAY_MS);
  const totals = await TOTALS.one(em, {});
  const reports = await REPORTS_ACCEPTED.one(em, {});
  const ages = await q.ages.all(em, { now, since: new Date(now.getTime() - MAX_DAYS * DAY_MS) });
  const state = await BY_STATE.all(em, { activeSince });
  const pick = (d: string): TallyRow[] => state.filter((r) => r.d === d).map((r) => [r.k, r.n, r.i]);
  const rows = (list: { k: string; n: number; i: number }[]): TallyRow[] => list.map((r) => [r.k, r.n, r.i]);
  const printers = state.find((r) => r.d === 'printers');
  const weeks = await q.weeks.all(em, { firstWeek: recentWeeks(now, MAX_WEEKS)[0] });
  return {
    generatedAt: now.toISOString(),
    reportsAccepted: reports?.n ?? 0,
    installationsEverReported: totals?.installations ?? 0,
    lastReportReceivedAt: totals?.latest?.toISOString() ?? null,
    activeCount: printers?.i ?? 0,
    printersOfActiveInstallations: printers?.n ?? 0,
    // A report stamped after `now` (another instance's clock) counts as just received.
    activeByAge: ages.map((r) => [Math.max(0, r.age), r.n]),
    printersByType: rows(await q.types.all(em, { activeSince })),
    printersByModel: rows(await q.models.all(em, { activeSince })),
    installationsByAppVersion: pick('installationsByAppVersion'),
    installationsByPlatform: pick('installationsByPlatform'),
    installationsByDeploymentMode: pick('installationsByDeploymentMode'),
    installationsByCountry: pick('installationsByCountry'),
    features: (await q.features.all(em, { activeSince })).map((r) => [r.k, r.n, r.i]),
    weeks: weeks.map((w) => ({
      weekStart: w.week_start,
      reportingInstallations: w.installations,
      reportsReceived: w.reports,
      jobsCompletedInReportsReceived: w.jobs_completed,
    })),
  };
}
