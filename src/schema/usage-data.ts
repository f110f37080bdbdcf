import { builder } from '../builder.js';
import { Submission } from '../entities/submission.entity.js';
import { UsageEvent } from '../entities/usage-event.entity.js';
import type { Submission as SubmissionRow } from '../entities/submission.entity.js';
import { loadSettings, settingsView, type UsageSettingsView } from '../services/settings.js';
import { deleteUsageData, EXPORT_VERSION, settingsExport, type RemoteDeletionState } from '../services/usage-data.js';
import { RemoteDeletionStateEnum } from './enums.js';
import { UsageEventRef } from './events.js';
import type { RemoteDeletionView } from '../jobs/report-outbox.js';
import { RemoteDeletionRequestRef, UsageSettingsRef } from './settings.js';
import { SubmissionRef } from './submissions.js';

type Export = { exportedAt: Date; exportVersion: string; settings: unknown; events: UsageEvent[]; submissions: SubmissionRow[] };
const UsageDataExport = builder.objectRef<Export>('UsageDataExport').implement({
  description: 'Everything stored about usage statistics on this machine, except the installation secret. The same content as GET /usage-data/export.',
  fields: (t) => ({
    exportedAt: t.expose('exportedAt', { type: 'DateTime', description: 'When the export was made.' }),
    exportVersion: t.exposeString('exportVersion', { description: 'The version of this export format, currently "1".' }),
    settings: t.expose('settings', {
      type: 'JSON',
      description: 'Every setting except the installation secret (hasInstallationSecret says whether one exists); instants as UTC ISO strings.',
    }),
    events: t.field({ type: [UsageEventRef], description: 'Every stored event, oldest id first.', resolve: (e) => e.events }),
    submissions: t.field({ type: [SubmissionRef], description: 'Every stored report, by id.', resolve: (e) => e.submissions }),
  }),
});

builder.queryField('exportUsageData', (t) =>
  t.field({
    type: UsageDataExport,
    description: 'Everything stored locally, in one answer. For large histories download GET /usage-data/export instead: the same content, streamed.',
    resolve: async (_, __, { em, clock }) => ({
      exportedAt: clock.now(),
      exportVersion: EXPORT_VERSION,
      settings: settingsExport(await loadSettings(em)),
      events: await em.find(UsageEvent, {}, { orderBy: { id: 'asc' } }),
      submissions: await em.find(Submission, {}, { orderBy: { id: 'asc' } }),
    }),
  }),
);

const DeleteUsageDataInput = builder.inputType('DeleteUsageDataInput', {
  description: 'Options of a deletion.',
  fields: (t) => ({
    deleteRemoteData: t.boolean({
      required: true,
      defaultValue: false,
      description:
        'True first asks the aggregator to delete its copy for the current identity: tried at once (bounded by USAGE_STATS_TIMEOUT), then retried by the submission job until confirmed.',
    }),
  }),
});

type Deleted = {
  deletedEvents: number;
  deletedSubmissions: number;
  remoteDeletion: RemoteDeletionState;
  remoteDeletionRequest: RemoteDeletionView | null;
  usageSettings: UsageSettingsView;
};
const DeleteUsageDataPayload = builder.objectRef<Deleted>('DeleteUsageDataPayload').implement({
  description: 'The result of deleteUsageData.',
  fields: (t) => ({
    deletedEventCount: t.exposeInt('deletedEvents', { description: 'How many events were deleted.' }),
    deletedSubmissionCount: t.exposeInt('deletedSubmissions', { description: 'How many reports were deleted.' }),
    remoteDeletion: t.expose('remoteDeletion', {
      type: RemoteDeletionStateEnum,
      description:
        'DONE when the aggregator confirmed the deletion (it is tried at once); QUEUED when it could not be reached or refused for now, and will be retried (see remoteDeletionRequest for why and when); NOT_REQUESTED without deleteRemoteData.',
    }),
    remoteDeletionRequest: t.field({
      type: RemoteDeletionRequestRef,
      nullable: true,
      description: 'The request to the aggregator with its progress: lastError and nextAttemptAt when it is QUEUED; null without deleteRemoteData.',
      resolve: (d) => d.remoteDeletionRequest,
    }),
    usageSettings: t.field({
      type: UsageSettingsRef,
      description: 'The settings after the deletion: consent UNDECIDED, no identity.',
      resolve: (d) => d.usageSettings,
    }),
  }),
});

builder.mutationField('deleteUsageData', (t) =>
  t.field({
    type: DeleteUsageDataPayload,
    nullable: true,
    description: 'Deletes every local event, report and uptime session in one transaction, resets the identity and sets consent back to UNDECIDED.',
    args: {
      input: t.arg({ type: DeleteUsageDataInput, required: true, defaultValue: { deleteRemoteData: false }, description: 'Options; all have defaults.' }),
    },
    resolve: async (_, { input }, ctx) => {
      const change = () => deleteUsageData(ctx, input.deleteRemoteData);
      let deleted: Omit<Deleted, 'usageSettings'>;
      if (input.deleteRemoteData) {
        // Without an identity nothing is queued now: the latest request (if any) is the one that answers.
        const { result, deletion } = await ctx.outbox.changeThenDeliverDeletions(change);
        deleted = { ...result, remoteDeletion: deletion?.status ?? result.remoteDeletion, remoteDeletionRequest: deletion };
      } else {
        deleted = { ...(await ctx.outbox.exclusive(change)), remoteDeletionRequest: null };
      }
      return { ...deleted, usageSettings: settingsView(await loadSettings(ctx.em), ctx.config) };
    },
  }),
);
