/**
 * The report contract: the one piece of code both services share. The local API builds reports
 * that satisfy `usageReportSchema`; the aggregator validates every submission against it.
 */
import { z } from 'zod';

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
/** Printer model names as plugins declare them ("X1C", "A1 mini", "MK3.5"): short, no free text. */
export const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,31}$/;
export const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$/;

/**
 * True for a "model" that could be an address or a serial number rather than a model name: three
 * or more dotted numbers (an IPv4 address, in it or alone), a run of five or more digits, or a word
 * of eight or more characters mixing letters and digits (serials such as 01P00A381200123). Real
 * model names ("X1 Carbon", "MK3.5S", "Ender 3 V2", "Adventurer 5M Pro") have none of these.
 */
export function looksIdentifying(model: string): boolean {
  if (/\d+\.\d+\.\d+/.test(model) || /\d{5,}/.test(model)) return true;
  return model.split(/[ ._+-]/).some((word) => word.length >= 8 && /\d/.test(word) && /[A-Za-z]/.test(word));
}

/** A printer model as reports carry it and plugins declare it. */
export const modelName = z
  .string()
  .regex(MODEL_PATTERN, 'must be a model name of at most 32 letters, digits, spaces or . _ + -')
  .refine((m) => !looksIdentifying(m), 'must be a model name, not an address or a serial number');

export const PLATFORMS = ['LINUX', 'MACOS', 'WINDOWS', 'OTHER'] as const;
export const DEPLOYMENT_MODES = ['HOME_ASSISTANT', 'DOCKER', 'RASPBERRY_PI', 'STANDALONE'] as const;
export type Platform = (typeof PLATFORMS)[number];
export type DeploymentMode = (typeof DEPLOYMENT_MODES)[number];

const DAY_MS = 86_400_000;
/** Upper bounds that no real installation reaches in one report period. */
export const LIMITS = { count: 10_000_000, printers: 10_000, listLength: 200, periodDays: 366 } as const;

const slug = z.string().regex(SLUG_PATTERN, 'must be a slug (a-z, 0-9, _ . -; at most 64 characters)');
const count = z.number().int().min(0).max(LIMITS.count);
const utcMidnight = z.iso.datetime({ offset: false }).refine((v) => new Date(v).getTime() % DAY_MS === 0, 'must be a UTC midnight');

export const installationInfoSchema = z.strictObject({
  installationId: z.uuidv4(),
  appVersion: z.string().regex(VERSION_PATTERN),
  runtimeVersion: z.string().regex(VERSION_PATTERN),
  platform: z.enum(PLATFORMS),
  deploymentMode: z.enum(DEPLOYMENT_MODES),
  countryCode: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
    .nullable(),
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
  printerTypes: z.array(z.strictObject({ type: slug, model: modelName, count: z.number().int().min(1).max(LIMITS.printers) })).max(LIMITS.listLength),
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
  uptimeHours: z
    .number()
    .int()
    .min(0)
    .max(LIMITS.periodDays * 24),
});

/**
 * Every field a report can carry. A field added later is optional here (`.optional()`), and the
 * field table says from which schema version on a report carries it.
 */
export const reportFieldsSchema = z.strictObject({
  reportId: z.uuid(),
  schemaVersion: z.number().int(),
  installation: installationInfoSchema,
  period: reportPeriodSchema,
  fleet: fleetStatsSchema,
  usage: usageCountsSchema,
  features: z.array(z.strictObject({ feature: slug, enabled: z.boolean() })).max(LIMITS.listLength),
  errors: z.array(z.strictObject({ errorType: slug, component: slug.nullable(), count: z.number().int().min(1).max(LIMITS.count) })).max(LIMITS.listLength),
});

export interface ReportField {
  path: string;
  /** The report schema version that introduced the field. */
  since: number;
  description: string;
}

/** Every field of the report, for the consent screen (`reportSchema` query). */
export const REPORT_FIELDS: readonly ReportField[] = [
  { path: 'reportId', since: 1, description: 'Random id of this report; lets the aggregator ignore a resent copy.' },
  { path: 'schemaVersion', since: 1, description: 'Version of this report format: the fields it carries are those of this version.' },
  { path: 'installation.installationId', since: 1, description: 'Random id created at opt-in; not derived from anything about you or your machine.' },
  { path: 'installation.appVersion', since: 1, description: 'Printernizer version.' },
  { path: 'installation.runtimeVersion', since: 1, description: 'Node.js version.' },
  { path: 'installation.platform', since: 1, description: 'Operating system family: Linux, macOS, Windows or other.' },
  { path: 'installation.deploymentMode', since: 1, description: 'Home Assistant add-on, Docker, Raspberry Pi or standalone.' },
  {
    path: 'installation.countryCode',
    since: 1,
    description: 'Country derived from the configured time zone; null when unknown, ambiguous or withheld. Never from your IP address.',
  },
  { path: 'installation.firstSeenOn', since: 1, description: 'Day statistics were first enabled.' },
  { path: 'period.start', since: 1, description: 'First day covered (UTC midnight).' },
  { path: 'period.end', since: 1, description: 'Day after the last day covered (UTC midnight).' },
  { path: 'period.days', since: 1, description: 'Number of days covered.' },
  { path: 'fleet.printerCount', since: 1, description: 'Number of printers configured.' },
  {
    path: 'fleet.printerTypes',
    since: 1,
    description: 'Printers per type and model, for models the printer plugin declares; anything else is "other". No names, serial numbers or addresses.',
  },
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

type Json = Record<string, unknown>;

function schemaAt(schema: z.ZodType, path: string): z.ZodType | undefined {
  let node: z.ZodType | undefined = schema;
  for (const part of path.split('.')) {
    const shape: Record<string, z.ZodType> | undefined = node instanceof z.ZodObject ? node.shape : undefined;
    node = shape?.[part];
  }
  return node;
}

function parentOf(report: Json, path: string): { node: Json | undefined; key: string } {
  const parts = path.split('.');
  let node: Json | undefined = report;
  for (const part of parts.slice(0, -1)) node = node?.[part] as Json | undefined;
  return { node, key: parts.at(-1)! };
}

export interface ReportContract<T extends Json> {
  fields: readonly ReportField[];
  /** The newest schema version: the one consent is asked for. */
  version: number;
  /** Every version a report may state: 1 up to `version`. */
  supportedVersions: readonly number[];
  /** A report of version v carries exactly the fields whose `since` is at most v. */
  schema: z.ZodType<T>;
  /**
   * Makes a report built with every field the code knows into the report the user agreed to: the
   * fields of the consented version, stated as its `schemaVersion`.
   */
  fit(report: T, consentedVersion: number | null | undefined): T;
}

/**
 * Ties the zod schema to the field table. Fails at start-up when they disagree: a field without a
 * `since`, or a field newer than version 1 that the schema does not mark optional (a report of an
 * older version could then never be valid).
 */
export function defineReportContract<T extends Json & { schemaVersion: number }>(schema: z.ZodObject, fields: readonly ReportField[]): ReportContract<T> {
  for (const field of fields) {
    const at = schemaAt(schema, field.path);
    if (!at) throw new Error(`report field ${field.path} is in the field table but not in the schema`);
    if (field.since > 1 && !at.safeParse(undefined).success)
      throw new Error(`report field ${field.path} (since ${field.since}) must be optional in the schema`);
  }
  const version = Math.max(...fields.map((f) => f.since));
  const supportedVersions = Array.from({ length: version }, (_, i) => i + 1);
  const later = fields.filter((f) => f.since > 1);
  const versioned = schema.superRefine((value, ctx) => {
    const report = value as Json;
    const stated = report.schemaVersion as number;
    if (!supportedVersions.includes(stated)) {
      ctx.addIssue({ code: 'custom', path: ['schemaVersion'], message: `must be one of ${supportedVersions.join(', ')}` });
      return;
    }
    for (const field of later) {
      const { node, key } = parentOf(report, field.path);
      const present = node !== undefined && node[key] !== undefined;
      if (present && field.since > stated) {
        ctx.addIssue({
          code: 'custom',
          path: field.path.split('.'),
          message: `is not part of schema version ${stated} (it was added in version ${field.since})`,
        });
      } else if (!present && field.since <= stated) {
        ctx.addIssue({ code: 'custom', path: field.path.split('.'), message: `is required from schema version ${field.since} on` });
      }
    }
  }) as unknown as z.ZodType<T>;
  return {
    fields,
    version,
    supportedVersions,
    schema: versioned,
    fit(report, consentedVersion) {
      // No consent yet (a preview before opt-in) shows what opting in would agree to.
      const target = Math.min(version, Math.max(1, consentedVersion ?? version));
      const copy = structuredClone(report) as Json;
      for (const field of fields) {
        if (field.since <= target) continue;
        const { node, key } = parentOf(copy, field.path);
        if (node) delete node[key];
      }
      copy.schemaVersion = target;
      return copy as T;
    },
  };
}

export type UsageReport = z.infer<typeof reportFieldsSchema>;

export const reportContract = defineReportContract<UsageReport>(reportFieldsSchema, REPORT_FIELDS);
/** The report schema version this code builds. Consent records the version the user agreed to. */
export const REPORT_SCHEMA_VERSION = reportContract.version;
export const SUPPORTED_SCHEMA_VERSIONS = reportContract.supportedVersions;
/** What the aggregator validates every submission with, and the local API every report it builds. */
export const usageReportSchema = reportContract.schema;

/** No installation enabled statistics before this day: an earlier firstSeenOn is not a real one. */
export const EARLIEST_DAY = '2020-01-01';
/** How far back a report's period may start: the aggregator keeps raw reports about two years. */
export const MAX_REPORT_AGE_DAYS = 731;

export interface Implausibility {
  /** The field, as a path in the report (`period.end`). */
  path: string;
  message: string;
}

/**
 * What the shape cannot say: dates that make sense against a clock (the aggregator's own). A period
 * must end no later than the UTC midnight after `now` (a client a little ahead still passes) and
 * start at most MAX_REPORT_AGE_DAYS before it (a year-9999 period would otherwise freeze an
 * installation's latest state); firstSeenOn lies between EARLIEST_DAY and the day after `now`.
 */
export function implausibility(report: UsageReport, now: Date): Implausibility | null {
  const nextMidnight = Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS;
  if (Date.parse(report.period.end) > nextMidnight) return { path: 'period.end', message: "must not be after the aggregator's next UTC midnight" };
  if (Date.parse(report.period.start) < nextMidnight - (MAX_REPORT_AGE_DAYS + 1) * DAY_MS)
    return { path: 'period.start', message: `must be at most ${MAX_REPORT_AGE_DAYS} days ago` };
  const firstSeen = Date.parse(`${report.installation.firstSeenOn}T00:00:00Z`);
  if (!(firstSeen >= Date.parse(`${EARLIEST_DAY}T00:00:00Z`) && firstSeen <= nextMidnight))
    return { path: 'installation.firstSeenOn', message: `must be a day from ${EARLIEST_DAY} to today` };
  return null;
}
