/**
 * The report contract: the one piece of code both services share. The local API builds reports
 * that satisfy `usageReportSchema`; the aggregator validates every submission against it.
 */
import { z } from 'zod';

/** The report schema version this code builds. Consent records the version the user agreed to. */
export const REPORT_SCHEMA_VERSION = 1;
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [1];

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
/** Printer model names as plugins declare them ("X1C", "A1 mini", "MK3.5"): short, no free text. */
export const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,31}$/;
export const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$/;

export const PLATFORMS = ['LINUX', 'MACOS', 'WINDOWS', 'OTHER'] as const;
export const DEPLOYMENT_MODES = ['HOME_ASSISTANT', 'DOCKER', 'RASPBERRY_PI', 'STANDALONE'] as const;
export type Platform = (typeof PLATFORMS)[number];
export type DeploymentMode = (typeof DEPLOYMENT_MODES)[number];

const DAY_MS = 86_400_000;
/** Upper bounds that no real installation reaches in one report period. */
export const LIMITS = { count: 10_000_000, printers: 10_000, listLength: 200, periodDays: 366 } as const;

const slug = z.string().regex(SLUG_PATTERN, 'must be a slug (a-z, 0-9, _ . -; at most 64 characters)');
const count = z.number().int().min(0).max(LIMITS.count);
const utcMidnight = z.iso
  .datetime({ offset: false })
  .refine((v) => new Date(v).getTime() % DAY_MS === 0, 'must be a UTC midnight');

export const installationInfoSchema = z.strictObject({
  installationId: z.uuidv4(),
  appVersion: z.string().regex(VERSION_PATTERN),
  runtimeVersion: z.string().regex(VERSION_PATTERN),
  platform: z.enum(PLATFORMS),
  deploymentMode: z.enum(DEPLOYMENT_MODES),
  countryCode: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code').nullable(),
  firstSeenOn: z.iso.date(),
});

export const reportPeriodSchema = z
  .strictObject({ start: utcMidnight, end: utcMidnight, days: z.number().int().min(1).max(LIMITS.periodDays) })
  .superRefine((p, ctx) => {
    const span = (new Date(p.end).getTime() - new Date(p.start).getTime()) / DAY_MS;
    if (span <= 0) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
    else if (span !== p.days) ctx.addIssue({ code: 'custom', path: ['days'], message: 'must equal the days between start and end' });
  });

export const fleetStatsSchema = z.strictObject({
  printerCount: z.number().int().min(0).max(LIMITS.printers),
  printerTypes: z
    .array(z.strictObject({ type: slug, model: z.string().regex(MODEL_PATTERN), count: z.number().int().min(1).max(LIMITS.printers) }))
    .max(LIMITS.listLength),
  partial: z.boolean(),
});

export const usageCountsSchema = z.strictObject({
  jobsCreated: count,
  jobsCompleted: count,
  jobsFailed: count,
  jobsCancelled: count,
  filesDownloaded: count,
  filesUploaded: count,
  appStarts: count,
  uptimeHours: z.number().int().min(0).max(LIMITS.periodDays * 24),
});

export const usageReportSchema = z.strictObject({
  reportId: z.uuid(),
  schemaVersion: z
    .number()
    .int()
    .refine((v) => SUPPORTED_SCHEMA_VERSIONS.includes(v), `must be one of ${SUPPORTED_SCHEMA_VERSIONS.join(', ')}`),
  installation: installationInfoSchema,
  period: reportPeriodSchema,
  fleet: fleetStatsSchema,
  usage: usageCountsSchema,
  features: z.array(z.strictObject({ feature: slug, enabled: z.boolean() })).max(LIMITS.listLength),
  errors: z.array(z.strictObject({ errorType: slug, component: slug.nullable(), count: z.number().int().min(1).max(LIMITS.count) })).max(LIMITS.listLength),
});

export type UsageReport = z.infer<typeof usageReportSchema>;

export interface ReportField {
  path: string;
  /** The report schema version that introduced the field. */
  since: number;
  description: string;
}

/** Every field of the report, for the consent screen (`reportSchema` query). */
export const REPORT_FIELDS: readonly ReportField[] = [
  { path: 'reportId', since: 1, description: 'Random id of this report; lets the aggregator ignore a resent copy.' },
  { path: 'schemaVersion', since: 1, description: 'Version of this report format.' },
  { path: 'installation.installationId', since: 1, description: 'Random id created at opt-in; not derived from anything about you or your machine.' },
  { path: 'installation.appVersion', since: 1, description: 'Printernizer version.' },
  { path: 'installation.runtimeVersion', since: 1, description: 'Node.js version.' },
  { path: 'installation.platform', since: 1, description: 'Operating system family: Linux, macOS, Windows or other.' },
  { path: 'installation.deploymentMode', since: 1, description: 'Home Assistant add-on, Docker, Raspberry Pi or standalone.' },
  { path: 'installation.countryCode', since: 1, description: 'Country derived from the configured time zone; null when unknown, ambiguous or withheld. Never from your IP address.' },
  { path: 'installation.firstSeenOn', since: 1, description: 'Day statistics were first enabled.' },
  { path: 'period.start', since: 1, description: 'First day covered (UTC midnight).' },
  { path: 'period.end', since: 1, description: 'Day after the last day covered (UTC midnight).' },
  { path: 'period.days', since: 1, description: 'Number of days covered.' },
  { path: 'fleet.printerCount', since: 1, description: 'Number of printers configured.' },
  { path: 'fleet.printerTypes', since: 1, description: 'Printers per type and model, for models the printer plugin declares; anything else is "other". No names, serial numbers or addresses.' },
  { path: 'fleet.partial', since: 1, description: 'True when a printer plugin failed to report its printers.' },
  { path: 'usage.jobsCreated', since: 1, description: 'Print jobs created.' },
  { path: 'usage.jobsCompleted', since: 1, description: 'Print jobs completed.' },
  { path: 'usage.jobsFailed', since: 1, description: 'Print jobs failed.' },
  { path: 'usage.jobsCancelled', since: 1, description: 'Print jobs cancelled.' },
  { path: 'usage.filesDownloaded', since: 1, description: 'Files downloaded from printers.' },
  { path: 'usage.filesUploaded', since: 1, description: 'Files uploaded.' },
  { path: 'usage.appStarts', since: 1, description: 'Times Printernizer started.' },
  { path: 'usage.uptimeHours', since: 1, description: 'Hours Printernizer was running during the period, measured from start, heartbeat and shutdown.' },
  { path: 'features', since: 1, description: 'Which features were enabled at the end of the period.' },
  { path: 'errors', since: 1, description: 'Error counts by error type and component. No messages, no stack traces.' },
];
