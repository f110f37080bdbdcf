import type { EntityManager } from '@mikro-orm/core';

import { isoDay } from '../../common/clock.js';
import type { UsageEventType } from '../entities/usage-event.entity.js';
import type { UsageSettings } from '../entities/usage-settings.entity.js';
import { countryFromTimeZone, type InstallationEnvironment } from '../services/installation.js';
import { query, toInt } from '../../common/sql.js';
import { uptimeHoursBetween } from '../services/uptime.js';
import { REPORT_FIELDS, REPORT_SCHEMA_VERSION, type UsageReport } from '../../common/report/contract.js';
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
   * Which events to count: those already assigned to `reportId` (building: assign first, then
   * count, so an event committed meanwhile can never be assigned without being counted), or the
   * ones that building would assign now (preview).
   */
  events: 'assigned' | 'unassigned';
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

/**
 * Builds the report for a window, by SQL aggregation only: no event row is loaded. The result is
 * the exact payload; fields newer than the consented schema version are left out.
 */
export async function buildReport(input: BuildInput): Promise<UsageReport> {
  const { em, window } = input;
  const [where, bounds] =
    input.events === 'assigned' ? ['report_id = ?', [input.reportId]] : ['report_id is null and occurred_at >= ? and occurred_at < ?', [window.floor, window.end]];
  const typeRows = await query<{ type: UsageEventType; n: unknown }>(em, `select type, count(*) as n from usage_event where ${where} group by type`, bounds);
  const byType = new Map(typeRows.map((r) => [r.type, toInt(r.n)]));
  const errorRows = await query<{ error_type: string; component: string | null; n: unknown }>(
    em,
    `select error_type, component, count(*) as n from usage_event where ${where} and type = 'ERROR_OCCURRED' group by error_type, component`,
    bounds,
  );

  const usage = Object.fromEntries(Object.entries(USAGE_COUNTERS).map(([key, type]) => [key, byType.get(type) ?? 0])) as UsageReport['usage'];
  usage.uptimeHours = Math.round(await uptimeHoursBetween(em, window.start, window.end));

  const s = input.settings;
  const report: UsageReport = {
    reportId: input.reportId,
    schemaVersion: REPORT_SCHEMA_VERSION,
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
  return omitNewerFields(report, s.consentedSchemaVersion ?? REPORT_SCHEMA_VERSION);
}

/** Each feature's state at `end`: its latest FEATURE_ENABLED / FEATURE_DISABLED event before then. */
async function featureStates(em: EntityManager, end: Date): Promise<UsageReport['features']> {
  const toggle = (a: string) => `${a}.type in ('FEATURE_ENABLED', 'FEATURE_DISABLED') and ${a}.occurred_at < ?`;
  const rows = await query<{ feature: string; type: string }>(
    em,
    `select e.feature, e.type from usage_event e where ${toggle('e')} and not exists (
       select 1 from usage_event l where l.feature = e.feature and ${toggle('l')}
         and (l.occurred_at > e.occurred_at or (l.occurred_at = e.occurred_at and l.id > e.id)))
     order by e.feature`,
    [end, end],
  );
  return rows.map((r) => ({ feature: r.feature, enabled: r.type === 'FEATURE_ENABLED' }));
}

/** Drops report fields introduced after the schema version the user consented to. */
export function omitNewerFields(report: UsageReport, consentedVersion: number): UsageReport {
  const copy = structuredClone(report) as Record<string, unknown>;
  for (const field of REPORT_FIELDS) {
    if (field.since <= consentedVersion) continue;
    const parts = field.path.split('.');
    let node = copy;
    for (const part of parts.slice(0, -1)) node = (node[part] ?? {}) as Record<string, unknown>;
    delete node[parts.at(-1)!];
  }
  return copy as UsageReport;
}
