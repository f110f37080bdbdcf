import { builder } from '../builder.js';
import { Submission } from '../entities/submission.entity.js';
import { UsageEvent } from '../entities/usage-event.entity.js';
import type { Submission as SubmissionRow } from '../entities/submission.entity.js';
import { loadSettings } from '../services/settings.js';
import { deleteUsageData, EXPORT_VERSION, settingsExport } from '../services/usage-data.js';
import { SubmissionStatusEnum } from './enums.js';
import { UsageEventRef } from './events.js';

export const SubmissionRef = builder.objectRef<SubmissionRow>('Submission').implement({
  description: 'A built report: PENDING until delivered, then SENT, REJECTED or CANCELLED.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The reportId.' }),
    status: t.expose('status', { type: SubmissionStatusEnum }),
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true }),
    attempts: t.exposeInt('attempts'),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    duplicate: t.exposeBoolean('duplicate', { description: 'The aggregator already had this report (a resend after a lost answer).' }),
    payload: t.expose('payload', { type: 'JSON', description: 'The exact JSON sent.' }),
  }),
});

builder.mutationField('submitUsageReport', (t) =>
  t.field({
    type: SubmissionRef,
    description:
      'Retries a pending report now, or builds the report for the whole UTC days since the last one and sends it. NOTHING_TO_SUBMIT (with nextSubmissionAt) when there is none; FORBIDDEN unless enabled.',
    resolve: (_, __, { services }) => services.submissions.submitNow(),
  }),
);

builder.queryField('submissions', (t) =>
  t.field({
    type: [SubmissionRef],
    description: 'Every report ever built, newest first.',
    args: { first: t.arg.int({ defaultValue: 20, validate: { int: true, min: 1, max: 500 } }) },
    resolve: (_, a, { em }) => em.find(Submission, {}, { orderBy: [{ periodEnd: 'desc' }, { createdAt: 'desc' }], limit: a.first ?? 20 }),
  }),
);

type Export = { exportedAt: Date; exportVersion: string; settings: unknown; events: UsageEvent[]; submissions: SubmissionRow[] };
const UsageDataExport = builder.objectRef<Export>('UsageDataExport').implement({
  fields: (t) => ({
    exportedAt: t.expose('exportedAt', { type: 'DateTime' }),
    exportVersion: t.exposeString('exportVersion'),
    settings: t.expose('settings', { type: 'JSON', description: 'Every setting except the installation secret.' }),
    events: t.field({ type: [UsageEventRef], resolve: (e) => e.events }),
    submissions: t.field({ type: [SubmissionRef], resolve: (e) => e.submissions }),
  }),
});

type Deleted = Awaited<ReturnType<typeof deleteUsageData>>;
const DeleteUsageDataResult = builder.objectRef<Deleted>('DeleteUsageDataResult').implement({
  fields: (t) => ({
    deletedEvents: t.exposeInt('deletedEvents'),
    deletedSubmissions: t.exposeInt('deletedSubmissions'),
    remoteDeletion: t.exposeString('remoteDeletion', { description: 'NOT_REQUESTED, QUEUED or DONE.' }),
  }),
});

builder.mutationField('exportUsageData', (t) =>
  t.field({
    type: UsageDataExport,
    description: 'Everything stored locally. For large histories download GET /usage-data/export, which streams.',
    resolve: async (_, __, { em, services }) => ({
      exportedAt: services.clock.now(),
      exportVersion: EXPORT_VERSION,
      settings: settingsExport(await loadSettings(em)),
      events: await em.find(UsageEvent, {}, { orderBy: { id: 'asc' } }),
      submissions: await em.find(Submission, {}, { orderBy: { id: 'asc' } }),
    }),
  }),
);

builder.mutationField('deleteUsageData', (t) =>
  t.field({
    type: DeleteUsageDataResult,
    description: 'Deletes every local event and report and resets the identity. With deleteRemoteData, the aggregator is asked to delete its copy too.',
    args: { deleteRemoteData: t.arg.boolean({ defaultValue: false }) },
    resolve: (_, a, { em, services }) => services.submissions.exclusive(() => deleteUsageData(services, em, a.deleteRemoteData ?? false)),
  }),
);
