import type { EntityManager } from '@mikro-orm/core';

import { DAY_MS } from '../../common/clock.js';
import { query, toDate, toInt } from '../../common/sql.js';
import type { UsageReport } from '../../common/report/contract.js';
import { recentWeeks } from './week.js';

export const ACTIVE_DAYS = 30;
export const OTHER = 'other';

export interface BucketCount {
  key: string;
  count: number;
  share: number;
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

interface LatestRow {
  app_version: string;
  platform: string;
  deployment_mode: string;
  country_code: string | null;
  printer_count: unknown;
  printer_types: unknown;
  features: unknown;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/**
 * The public summary. Distributions come from each active installation's latest state (one row per
 * installation), totals and weeks from the weekly rollup: no query reads the report table, so the
 * cost does not grow with the number of stored reports.
 */
export async function statsSummary(em: EntityManager, now: Date, k: number) {
  const activeSince = new Date(now.getTime() - ACTIVE_DAYS * DAY_MS);
  const [totals] = await query<{ installations: unknown; latest: unknown }>(em, 'select count(*) as installations, max(last_report_at) as latest from installation');
  const [reports] = await query<{ n: unknown }>(em, 'select coalesce(sum(reports), 0) as n from installation_week');
  const rows = await query<LatestRow>(
    em,
    'select app_version, platform, deployment_mode, country_code, printer_count, printer_types, features from installation where last_report_at >= ?',
    [activeSince],
  );

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
    printers += toInt(r.printer_count);
    const fleet = json<UsageReport['fleet']['printerTypes']>(r.printer_types);
    const seenTypes = new Set<string>();
    for (const p of fleet) {
      add(types, p.type, p.count, !seenTypes.has(p.type));
      seenTypes.add(p.type);
      add(models, `${p.type}/${p.model}`, p.count);
    }
    for (const f of json<UsageReport['features']>(r.features)) {
      const e = features.get(f.feature) ?? { enabled: 0, reporting: 0 };
      e.reporting += 1;
      if (f.enabled) e.enabled += 1;
      features.set(f.feature, e);
    }
  }
  const latest = totals?.latest;
  return {
    generatedAt: now,
    totalReports: toInt(reports?.n),
    installations: toInt(totals?.installations),
    latestReportAt: toDate(latest),
    printers,
    printerTypes: kAnonymousBuckets(types, k),
    printerModels: kAnonymousBuckets(models, k),
    appVersions: kAnonymousBuckets(versions, k),
    platforms: kAnonymousBuckets(platforms, k),
    deploymentModes: kAnonymousBuckets(modes, k),
    countries: kAnonymousBuckets(countries, k),
    // A feature only a few installations report could single them out: it is left out.
    features: [...features]
      .filter(([, f]) => f.reporting >= k)
      .map(([feature, f]) => ({ feature, enabled: f.enabled, share: rows.length ? Math.round((f.enabled / rows.length) * 10_000) / 10_000 : 0 }))
      .sort((a, b) => b.enabled - a.enabled || a.feature.localeCompare(b.feature)),
  };
}

export async function activeInstallations(em: EntityManager, now: Date, days: number): Promise<number> {
  const [row] = await query<{ n: unknown }>(em, 'select count(*) as n from installation where last_report_at >= ?', [new Date(now.getTime() - days * DAY_MS)]);
  return toInt(row?.n);
}

/** Active installations, reports and completed jobs per ISO week, oldest first, from the rollup. */
export async function weekly(em: EntityManager, now: Date, weeks: number) {
  const starts = recentWeeks(now, weeks);
  const rows = await query<{ week_start: string; active: unknown; reports: unknown; jobs: unknown }>(
    em,
    `select week_start, count(*) as active, sum(reports) as reports, sum(jobs_completed) as jobs from installation_week where week_start >= ? group by week_start`,
    [starts[0]],
  );
  const byWeek = new Map(rows.map((r) => [r.week_start, r]));
  return starts.map((weekStart) => {
    const r = byWeek.get(weekStart);
    return { weekStart, activeInstallations: toInt(r?.active), reports: toInt(r?.reports), jobsCompleted: toInt(r?.jobs) };
  });
}
