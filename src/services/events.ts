import { z } from 'zod';

import type { Clock } from '../../common/clock.js';
import { MINUTE_MS } from '../../common/clock.js';
import { UserInputError } from '../errors.js';
import { USAGE_EVENT_TYPES, type UsageEventType } from '../entities/usage-event.entity.js';
import { SLUG_PATTERN } from '../../common/report/contract.js';

/** What a caller may send for one event (the GraphQL RecordUsageEventInput). */
export interface UsageEventInput {
  type: UsageEventType;
  occurredAt?: Date | null;
  printerType?: string | null;
  durationSeconds?: number | null;
  fileSizeBytes?: number | null;
  autoCreated?: boolean | null;
  errorType?: string | null;
  component?: string | null;
  feature?: string | null;
}

/** An event as stored: metadata reduced to typed columns, durations in whole minutes, sizes in 0.01 MB. */
export interface UsageEventRow {
  type: UsageEventType;
  occurredAt: Date;
  printerType: string | null;
  durationMinutes: number | null;
  fileSizeCentiMb: number | null;
  autoCreated: boolean | null;
  errorType: string | null;
  component: string | null;
  feature: string | null;
}

export const MAX_EVENTS_PER_CALL = 1000;
const MAX_FUTURE_MS = 5 * MINUTE_MS;
const EARLIEST = Date.UTC(2000, 0, 1);
const JOB_TYPES: UsageEventType[] = ['JOB_CREATED', 'JOB_COMPLETED', 'JOB_FAILED', 'JOB_CANCELLED'];
const JOB_END_TYPES: UsageEventType[] = ['JOB_COMPLETED', 'JOB_FAILED', 'JOB_CANCELLED'];

const slug = z.string().regex(SLUG_PATTERN, 'must be a slug: lower-case a-z, 0-9, "_", "." or "-", at most 64 characters');

type MetadataField = Exclude<keyof UsageEventInput, 'type' | 'occurredAt'>;

/** Per metadata field: which event types may carry it, and what a value must look like. */
const FIELD_RULES: Record<MetadataField, { types: UsageEventType[]; schema: z.ZodType }> = {
  printerType: { types: [...JOB_TYPES, 'PRINTER_CONNECTED', 'PRINTER_DISCONNECTED', 'ERROR_OCCURRED'], schema: slug },
  durationSeconds: {
    types: JOB_END_TYPES,
    schema: z
      .number()
      .int()
      .min(0)
      .max(90 * 86_400, 'must be at most 90 days'),
  },
  fileSizeBytes: { types: ['FILE_DOWNLOADED', 'FILE_UPLOADED'], schema: z.number().min(0).max(1e12, 'must be at most 1 TB') },
  autoCreated: { types: ['JOB_CREATED'], schema: z.boolean() },
  errorType: { types: ['ERROR_OCCURRED'], schema: slug },
  component: { types: ['ERROR_OCCURRED'], schema: slug },
  feature: { types: ['FEATURE_ENABLED', 'FEATURE_DISABLED'], schema: slug },
};

const REQUIRED: Partial<Record<UsageEventType, MetadataField[]>> = {
  ERROR_OCCURRED: ['errorType'],
  FEATURE_ENABLED: ['feature'],
  FEATURE_DISABLED: ['feature'],
};

/** The fields each event type accepts, for error messages and the README. */
export function allowedFields(type: UsageEventType): MetadataField[] {
  return (Object.keys(FIELD_RULES) as MetadataField[]).filter((f) => FIELD_RULES[f].types.includes(type));
}

/**
 * Checks one event against the allowlist of its type and reduces it to what is stored.
 * Throws BAD_USER_INPUT naming the offending field (prefixed by `path`).
 */
export function validateEvent(input: UsageEventInput, clock: Clock, path = 'input', knownPrinterTypes?: ReadonlySet<string>): UsageEventRow {
  const type = input.type;
  if (!USAGE_EVENT_TYPES.includes(type)) throw UserInputError.field(`${path}.type`, `unknown event type ${JSON.stringify(type)}`);
  const values: Partial<Record<MetadataField, unknown>> = {};
  for (const field of Object.keys(input) as (keyof UsageEventInput)[]) {
    if (field === 'type' || field === 'occurredAt') continue;
    const value = input[field];
    if (value === null || value === undefined) continue;
    const rule = FIELD_RULES[field];
    if (!rule) throw UserInputError.field(`${path}.${field}`, 'unknown field');
    if (!rule.types.includes(type)) {
      const allowed = allowedFields(type);
      throw UserInputError.field(`${path}.${field}`, `not allowed for ${type} (allowed: ${allowed.length ? allowed.join(', ') : 'none'})`);
    }
    const parsed = rule.schema.safeParse(value);
    if (!parsed.success) throw UserInputError.field(`${path}.${field}`, parsed.error.issues[0].message);
    values[field] = parsed.data;
  }
  if (knownPrinterTypes && typeof values.printerType === 'string' && !knownPrinterTypes.has(values.printerType)) {
    throw UserInputError.field(
      `${path}.printerType`,
      `unknown printer type "${values.printerType}"; known types: ${[...knownPrinterTypes].join(', ') || 'none'}`,
    );
  }
  for (const field of REQUIRED[type] ?? []) {
    if (values[field] === undefined) throw UserInputError.field(`${path}.${field}`, `required for ${type}`);
  }
  const now = clock.now().getTime();
  const occurredAt = input.occurredAt ?? new Date(now);
  if (Number.isNaN(occurredAt.getTime()) || occurredAt.getTime() < EARLIEST) {
    throw UserInputError.field(`${path}.occurredAt`, 'must be a time after 2000-01-01');
  }
  if (occurredAt.getTime() > now + MAX_FUTURE_MS) {
    throw UserInputError.field(`${path}.occurredAt`, 'may not lie more than 5 minutes in the future');
  }
  const seconds = values.durationSeconds as number | undefined;
  const bytes = values.fileSizeBytes as number | undefined;
  return {
    type,
    occurredAt,
    printerType: (values.printerType as string | undefined) ?? null,
    durationMinutes: seconds === undefined ? null : Math.round(seconds / 60),
    fileSizeCentiMb: bytes === undefined ? null : Math.round((bytes / 1_048_576) * 100),
    autoCreated: (values.autoCreated as boolean | undefined) ?? null,
    errorType: (values.errorType as string | undefined) ?? null,
    component: (values.component as string | undefined) ?? null,
    feature: (values.feature as string | undefined) ?? null,
  };
}

type MetadataColumn = Exclude<keyof UsageEventRow, 'type' | 'occurredAt'>;

/** The stored metadata as the API shows it: only the fields that are set. */
export function eventMetadata(row: { [K in MetadataColumn]?: UsageEventRow[K] | undefined }): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (row.printerType != null) out.printerType = row.printerType;
  if (row.durationMinutes != null) out.durationMinutes = row.durationMinutes;
  if (row.fileSizeCentiMb != null) out.fileSizeMb = row.fileSizeCentiMb / 100;
  if (row.autoCreated != null) out.autoCreated = row.autoCreated;
  if (row.errorType != null) out.errorType = row.errorType;
  if (row.component != null) out.component = row.component;
  if (row.feature != null) out.feature = row.feature;
  return out;
}
