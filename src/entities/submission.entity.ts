import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const SUBMISSION_STATUSES = ['PENDING', 'SENT', 'REJECTED', 'CANCELLED'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** A built report: the outbox row while PENDING, the ledger entry afterwards. Its id is the reportId. */
export const Submission = defineEntity({
  name: 'Submission',
  tableName: 'submission',
  properties: {
    id: p.string().length(36).primary(),
    status: p.string().length(16).$type<SubmissionStatus>(),
    periodStart: p.datetime(),
    periodEnd: p.datetime().index(),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable(),
    attempts: p.integer(),
    nextAttemptAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    duplicate: p.boolean(),
    /** The exact JSON sent. */
    payload: p.json<Record<string, unknown>>(),
  },
});
export type Submission = InferEntity<typeof Submission>;
