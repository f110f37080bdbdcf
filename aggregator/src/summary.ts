import type { EntityManager } from '@mikro-orm/core';

import { DAY_MS } from '../../common/clock.js';
import type { UsageReport } from '../../common/report/contract.js';
import { column, sql } from '../../common/typed-sql.js';
import { recentWeeks } from './week.js';

export const ACTIVE_DAYS = 30;
export const OTHER = 'other';

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

/** The public summary; distributions describe the installations active in the last ACTIVE_DAYS. */
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
}

interface Tally {
  count: number;
  installations: number;
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

const TOTALS = sql`select count(*) as installations, max(last_report_at) as latest from installation`.returning({
  installations: column.int,
  latest: column.date,
});
const REPORTS_ACCEPTED = sql`select coalesce(sum(reports), 0) as n from installation_week`.returning({ n: column.int });
const LATEST_STATES = sql<{ activeSince: Date }>`
  select app_version, platform, deployment_mode, country_code, printer_count, printer_types, features from installation where last_report_at >= ${'activeSince'}`.returning(
  {
    app_version: column.text,
    platform: column.text,
    deployment_mode: column.text,
    country_code: column.nullableText,
    printer_count: column.int,
    printer_types: column.json<UsageReport['fleet']['printerTypes']>(),
    features: column.json<UsageReport['features']>(),
  },
);
const ACTIVE = sql<{ activeSince: Date }>`select count(*) as n from installation where last_report_at >= ${'activeSince'}`.returning({ n: column.int });
const WEEKS = sql<{ firstWeek: string }>`
  select week_start, count(*) as installations, sum(reports) as reports, sum(jobs_completed) as jobs_completed
  from installation_week where week_start >= ${'firstWeek'} group by week_start`.returning({
  week_start: column.text,
  installations: column.int,
  reports: column.int,
  jobs_completed: column.int,
});

/**
 * The public summary. Distributions come from each active installation's latest state (one row per
 * installation), totals and weeks from the weekly rollup: no query reads the report table, so the
 * cost does not grow with the number of stored reports.
 */
export async function statsSummary(em: EntityManager, now: Date, k: number): Promise<StatsSummary> {
  const activeSince = new Date(now.getTime() - ACTIVE_DAYS * DAY_MS);
  const totals = await TOTALS.one(em, {});
  const reports = await REPORTS_ACCEPTED.one(em, {});
  const rows = await LATEST_STATES.all(em, { activeSince });

  const tally = () => new Map<string, Tally>();
  const add = (m: Map<string, Tally>, key: string, count = 1, installation = true) => {
    const t = m.get(key) ?? { count: 0, installations: 0 };
    t.count += count;
    if (installation) t.installations += 1;
    m.set(key, t);
  };
  const versions = tally();
  const platforms = tally();
  const modes = tally();
  const countries = tally();
  const types = tally();
  const models = tally();
  const features = new Map<string, { enabled: number; reporting: number }>();
  let printers = 0;
  for (const r of rows) {
    add(versions, r.app_version);
    add(platforms, r.platform);
    add(modes, r.deployment_mode);
    add(countries, r.country_code ?? 'unknown');
    printers += r.printer_count;
    const seenTypes = new Set<string>();
    for (const p of r.printer_types) {
      add(types, p.type, p.count, !seenTypes.has(p.type));
      seenTypes.add(p.type);
      add(models, `${p.type}/${p.model}`, p.count);
    }
    for (const f of r.features) {
      const e = features.get(f.feature) ?? { enabled: 0, reporting: 0 };
      e.reporting += 1;
      if (f.enabled) e.enabled += 1;
      features.set(f.feature, e);
    }
  }
  return {
    generatedAt: now,
    reportsAccepted: reports?.n ?? 0,
    installationsEverReported: totals?.installations ?? 0,
    lastReportReceivedAt: totals?.latest ?? null,
    printersOfActiveInstallations: printers,
    printersByType: kAnonymousBuckets(types, k),
    printersByModel: kAnonymousBuckets(models, k),
    installationsByAppVersion: kAnonymousBuckets(versions, k),
    installationsByPlatform: kAnonymousBuckets(platforms, k),
    installationsByDeploymentMode: kAnonymousBuckets(modes, k),
    installationsByCountry: kAnonymousBuckets(countries, k),
    // A feature only a few installations report could single them out: it is left out.
    featureAdoption: [...features]
      .filter(([, f]) => f.reporting >= k)
      .map(([feature, f]) => ({ feature, enabledInstallations: f.enabled, share: rows.length ? Math.round((f.enabled / rows.length) * 10_000) / 10_000 : 0 }))
      .sort((a, b) => b.enabledInstallations - a.enabledInstallations || a.feature.localeCompare(b.feature)),
  };
}

export async function activeInstallations(em: EntityManager, now: Date, days: number): Promise<number> {
  return (await ACTIVE.one(em, { activeSince: new Date(now.getTime() - days * DAY_MS) }))?.n ?? 0;
}

export interface WeekReceived {
  /** Monday of the ISO week, YYYY-MM-DD. */
  weekStart: string;
  reportingInstallations: number;
  reportsReceived: number;
  jobsCompletedInReportsReceived: number;
}

/** Per ISO week of receipt, oldest first, from the rollup: installations, reports and completed jobs. */
export async function weekly(em: EntityManager, now: Date, weeks: number): Promise<WeekReceived[]> {
  const starts = recentWeeks(now, weeks);
  const rows = await WEEKS.all(em, { firstWeek: starts[0] });
  const byWeek = new Map(rows.map((r) => [r.week_start, r]));
  return starts.map((weekStart) => {
    const r = byWeek.get(weekStart);
    return {
      weekStart,
      reportingInstallations: r?.installations ?? 0,
      reportsReceived: r?.reports ?? 0,
      jobsCompletedInReportsReceived: r?.jobs_completed ?? 0,
    };
  });
}
