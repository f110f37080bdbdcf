import { builder } from '../builder.js';
import { Submission } from '../entities/submission.entity.js';
import type { Submission as SubmissionRow } from '../entities/submission.entity.js';
import { connectionArgs, connectionType } from './connection.js';
import { SubmissionStatusEnum } from './enums.js';
import { keysetConnection, type OrderKey } from './pagination.js';

export const SubmissionRef = builder.objectRef<SubmissionRow>('Submission').implement({
  description: 'A built report and its delivery: PENDING until the aggregator accepts it (SENT) or refuses it for good (REJECTED), or CANCELLED.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The reportId (a UUID), also in payload.' }),
    status: t.expose('status', { type: SubmissionStatusEnum, description: 'Where the report is in its delivery.' }),
    periodStart: t.expose('periodStart', { type: 'DateTime', description: 'The first instant covered: a UTC midnight.' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime', description: 'The first instant not covered: a UTC midnight.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the report was built.' }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true, description: 'When the aggregator accepted it; null unless SENT.' }),
    attempts: t.exposeInt('attempts', { description: 'How many times delivery was tried so far.' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true, description: 'When delivery is tried next; null unless PENDING.' }),
    lastError: t.exposeString('lastError', {
      nullable: true,
      description: 'Why the latest attempt failed, in words for an operator; null when it did not fail.',
    }),
    duplicate: t.exposeBoolean('duplicate', { description: 'True when the aggregator already had this report (a resend after a lost answer).' }),
    payload: t.expose('payload', { type: 'JSON', description: 'The exact JSON document sent (a UsageReport).' }),
  }),
});

const SubmissionConnection = connectionType('Submission', SubmissionRef, 'reports');

/** Newest period first; within a period (a rejected report and its successor) the newest build first. */
const SUBMISSION_ORDER: OrderKey<SubmissionRow>[] = [
  { field: 'periodEnd', direction: 'desc', kind: 'date' },
  { field: 'createdAt', direction: 'desc', kind: 'date' },
  { field: 'id', direction: 'desc', kind: 'string' },
];

builder.queryField('submissions', (t) =>
  t.field({
    type: SubmissionConnection,
    nullable: true,
    description:
      'Every report ever built, newest period first, a page at a time. Null (with a BAD_USER_INPUT error) when an argument is refused; other fields still answer.',
    args: connectionArgs(t.arg, 'reports', 20),
    resolve: (_, a, { em }) => keysetConnection(em, Submission, {}, SUBMISSION_ORDER, a, 20),
  }),
);

const SubmitUsageReportPayload = builder.objectRef<{ submission: SubmissionRow }>('SubmitUsageReportPayload').implement({
  description: 'The result of submitUsageReport.',
  fields: (t) => ({ submission: t.field({ type: SubmissionRef, description: 'The report, after this delivery attempt.', resolve: (p) => p.submission }) }),
});

builder.mutationField('submitUsageReport', (t) =>
  t.field({
    type: SubmitUsageReportPayload,
    nullable: true,
    description:
      'Retries a pending report now, or builds the report for the whole UTC days since the last one and sends it. Refused with NOTHING_TO_SUBMIT (extensions.nextSubmissionAt says when) when no whole day has passed, FORBIDDEN unless statistics are enabled.',
    resolve: async (_, __, { outbox }) => ({ submission: await outbox.submitNow() }),
  }),
);
