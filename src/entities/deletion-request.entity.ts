import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A request to have the aggregator delete one installation's data. It keeps the identity it is
 * for, so it survives a local identity reset and is retried until the aggregator confirms.
 */
export const DeletionRequest = defineEntity({
  name: 'DeletionRequest',
  tableName: 'deletion_request',
  properties: {
    id: p.integer().primary().autoincrement(),
    installationId: p.string().length(36),
    installationSecret: p.string().length(64),
    status: p.string().length(16).$type<'QUEUED' | 'DONE'>(),
    createdAt: p.datetime(),
    attempts: p.integer(),
    nextAttemptAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    doneAt: p.datetime().nullable(),
  },
});
export type DeletionRequest = InferEntity<typeof DeletionRequest>;
