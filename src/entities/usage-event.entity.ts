import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const USAGE_EVENT_TYPES = [
  'APP_START',
  'APP_SHUTDOWN',
  'JOB_CREATED',
  'JOB_COMPLETED',
  'JOB_FAILED',
  'JOB_CANCELLED',
  'FILE_DOWNLOADED',
  'FILE_UPLOADED',
  'PRINTER_CONNECTED',
  'PRINTER_DISCONNECTED',
  'ERROR_OCCURRED',
  'FEATURE_ENABLED',
  'FEATURE_DISABLED',
] as const;
export type UsageEventType = (typeof USAGE_EVENT_TYPES)[number];

/**
 * One usage event. Metadata lives in typed, nullable columns (not a JSON blob) so that reports
 * and statistics are plain SQL aggregations on both SQLite and PostgreSQL.
 */
export const UsageEvent = defineEntity({
  name: 'UsageEvent',
  tableName: 'usage_event',
  properties: {
    id: p.integer().primary().autoincrement(),
    type: p.string().length(32).$type<UsageEventType>(),
    occurredAt: p.datetime().index(),
    printerType: p.string().length(64).nullable(),
    durationMinutes: p.integer().nullable(),
    /** File size in hundredths of a MB (0.01 MB steps), kept whole so it is exact on every platform. */
    fileSizeCentiMb: p.integer().nullable(),
    autoCreated: p.boolean().nullable(),
    errorType: p.string().length(64).nullable(),
    component: p.string().length(64).nullable(),
    feature: p.string().length(64).nullable(),
    /** The report this event was counted in; null until a report is built. */
    reportId: p.string().length(36).nullable(),
    createdAt: p.datetime(),
  },
  indexes: [{ properties: ['reportId', 'occurredAt'] }, { properties: ['type', 'occurredAt'] }],
});
export type UsageEvent = InferEntity<typeof UsageEvent>;
