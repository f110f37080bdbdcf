import { raw, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';

import { isoDay } from '../../common/clock.js';
import { reportContract, type UsageReport } from '../../common/report/contract.js';
import { query, toInt } from '../../common/sql.js';
import { UsageEvent, type UsageEventType } from '../entities/usage-event.entity.js';
import type { UsageSettings } from '../entities/usage-settings.entity.js';
import { countryFromTimeZone, type InstallationEnvironment } from '../services/installation.js';
import { uptimeHoursBetween } from '../services/uptime.js';
import type { ReportWindow } from './period.js';

/** Shown in a preview before opt-in: the real id is created at the first opt-in. */
export const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

export type FleetProvider = (em: EntityManager) => Promise<UsageReport['fleet']>;

export interface BuildInput {
  em: EntityManager;
  settings: UsageSettings;
  environment: InstallationEnvironment;
  window: ReportWindow;
  reportId: string;
  /**
   * The events to count. Building assigns `nextReportEvents(window)` to the report first and then
   * counts `{ reportId }`, so an event committed meanwhile is never assigned without being counted;
   * the preview counts `nextReportEvents(window)` itself.
   */
  events: FilterQuery<UsageEvent>;
  now: Date;
  fleet: FleetProvider;
}

const USAGE_COUNTERS: Record<keyof Omit<UsageReport['usage'], 'uptimeHours'>, UsageEventType> = {
  jobsCreated: 'JOB_CREATED',
  jobsCompleted: 'JOB_COMPLETED',
  jobsFailed: 'JOB_FAILED',
  jobsCancelled: 'JOB_CANCELLED',
  filesDownloaded: 'FILE_DOWNLOADED',
  filesUploaded: 'FILE_UPLOADED',
  appStarts: 'APP_START',
};

/** Both drivers (SQLite, PostgreSQL) are SQL drivers, whose EntityManager builds queries. */
function selectEvents(em: EntityManager, events: FilterQuery<UsageEvent>) {
  return (em as SqlEntityManager).createQueryBuilder(UsageEvent).where(events);
}

/**
 * Builds the report for a window by SQL aggregation only: no event row is loaded. The result is
 * the exact payload, fitted to the consented schema version (newer fields left out).
 */
export async function buildReport(input: BuildInput): Promise<UsageReport> {
  const { em, window } = input;
  const typeRows = await selectEvents(em, input.events)
    .select(['type', raw('count(*) as n')])
    .groupBy('type')
    .execute<{ type: UsageEventType; n: unknown }[]>('all', false);
  const byType = new Map(typeRows.map((r) => [r.type, toInt(r.n)]));
  const errorRows = await selectEvents(em, { $and: [input.events, { type: 'ERROR_OCCURRED' }] })
    .select(['errorType', 'component', raw('count(*) as n')])
    .groupBy(['errorType', 'component'])
    .execute<{ error_type: string; component: string | null; n: unknown }[]>('all', false);

  const usage = Object.fromEntries(Object.entries(USAGE_COUNTERS).map(([key, type]) => [key, byType.get(type) ?? 0])) as UsageReport['usage'];
  usage.uptimeHours = Math.round(await uptimeHoursBetween(em, window.start, window.end));

  const s = input.settings;
  const report: UsageReport = {
    reportId: input.reportId,
    schemaVersion: reportContract.version,
    installation: {
      installationId: s.installationId ?? PLACEHOLDER_ID,
      appVersion: input.environment.appVersion,
      runtimeVersion: input.environment.runtimeVersion,
      platform: input.environment.platform,
      deploymentMode: input.environment.deploymentMode,
      countryCode: s.shareCountry ? countryFromTimeZone(input.environment.timeZone) : null,
      firstSeenOn: s.firstSeenOn ?? isoDay(input.now),
    },
    period: { start: window.start.toISOString(), end: window.end.toISOString(), days: window.days },
    fleet: await input.fleet(em),
    usage,
    features: await featureStates(em, window.end),
    errors: errorRows
      .map((r) => ({ errorType: r.error_type, component: r.component, count: toInt(r.n) }))
      .sort((a, b) => b.count - a.count || a.errorType.localeCompare(b.errorType) || (a.component ?? '').localeCompare(b.component ?? '')),
  };
  return reportContract.fit(report, s.consentedSchemaVersion);
}

/**
 * Each feature's state at `end`: its latest FEATURE_ENABLED / FEATURE_DISABLED event before then
 * (the higher id breaks a tie). One ranking pass over the toggles, found by the (type, occurred_at)
 * index: a "no later toggle exists" subquery per toggle was quadratic in the number of toggles.
 */
async function featureStates(em: EntityManager, end: Date): Promise<UsageReport['features']> {
  const rows = await query<{ feature: string; type: string }>(
    em,
    `select feature, type from (
       select feature, type, row_number() over (partition by feature order by occurred_at desc, id desc) as latest
       from usage_event where type in ('FEATURE_ENABLED', 'FEATURE_DISABLED') and occurred_at < ?) toggles
     where latest = 1 order by feature`,
    [end],
  );
  return rows.map((r) => ({ feature: r.feature, enabled: r.type === 'FEATURE_ENABLED' }));
}
