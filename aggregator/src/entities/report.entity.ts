import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A received report, stored once per reportId. Raw reports expire after the retention period. */
export const Report = defineEntity({
  name: 'Report',
  tableName: 'report',
  properties: {
    id: p.string().length(36).primary(),
    installationId: p.string().length(36).index(),
    receivedAt: p.datetime().index(),
    schemaVersion: p.integer(),
    periodStart: p.datetime(),
    periodEnd: p.datetime(),
    /** SHA-256 of the canonical payload: a resent reportId must carry the same report. */
    payloadHash: p.string().length(64),
    payload: p.json<Record<string, unknown>>(),
  },
});
export type Report = InferEntity<typeof Report>;
