import { builder } from '../builder.js';
import { DeletionRequest } from '../entities/deletion-request.entity.js';
import { Submission } from '../entities/submission.entity.js';
import { loadSettings, optIn, optOut, settingsView, type UsageSettingsView } from '../services/settings.js';
import { ConsentStateEnum } from './enums.js';

export const UsageSettingsRef = builder.objectRef<UsageSettingsView>('UsageSettings').implement({
  fields: (t) => ({
    consent: t.expose('consent', { type: ConsentStateEnum }),
    enabled: t.exposeBoolean('enabled', { description: 'True only when consent is GRANTED and no kill switch is set.' }),
    blockedBy: t.exposeString('blockedBy', {
      nullable: true,
      description: "The kill switch that keeps statistics off whatever the consent, e.g. 'DO_NOT_TRACK=1'; null otherwise.",
    }),
    installationId: t.exposeID('installationId', { nullable: true }),
    shareCountry: t.exposeBoolean('shareCountry'),
    consentedSchemaVersion: t.exposeInt('consentedSchemaVersion', { nullable: true }),
    currentSchemaVersion: t.exposeInt('currentSchemaVersion'),
    needsReconsent: t.exposeBoolean('needsReconsent', { description: 'True when the report schema is newer than the one consented to.' }),
    submissionIntervalDays: t.exposeInt('submissionIntervalDays'),
    lastSubmissionAt: t.expose('lastSubmissionAt', { type: 'DateTime', nullable: true }),
    nextSubmissionAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the next report is due (or a pending one is retried); null while statistics are off.',
      resolve: (v, _, { em, services }) => services.submissions.nextSubmissionAt(em, v.row),
    }),
    lastSubmissionError: t.field({
      type: 'String',
      nullable: true,
      description: 'Why the latest report is still pending or was rejected; null when it was delivered.',
      resolve: async (_, __, { em }) => {
        const [latest] = await em.find(Submission, { status: { $ne: 'CANCELLED' } }, { orderBy: [{ periodEnd: 'desc' }, { createdAt: 'desc' }], limit: 1 });
        return latest && latest.status !== 'SENT' ? latest.lastError : null;
      },
    }),
    remoteDeletion: t.field({
      type: 'String',
      description: 'The latest request to delete data at the aggregator: NOT_REQUESTED, QUEUED or DONE.',
      resolve: async (_, __, { em }) => {
        const [latest] = await em.find(DeletionRequest, {}, { orderBy: { id: 'desc' }, limit: 1 });
        return latest?.status ?? 'NOT_REQUESTED';
      },
    }),
    endpoint: t.exposeString('endpoint'),
  }),
});

builder.queryField('usageSettings', (t) =>
  t.field({ type: UsageSettingsRef, resolve: async (_, __, { em, services }) => settingsView(services, await loadSettings(em)) }),
);

builder.mutationField('optInUsageStatistics', (t) =>
  t.field({
    type: UsageSettingsRef,
    description: 'Grants consent to the current report schema; creates the installation identity on first use.',
    args: { shareCountry: t.arg.boolean({ defaultValue: true }) },
    resolve: async (_, args, { em, services }) => settingsView(services, await optIn(services, em, args.shareCountry ?? true)),
  }),
);

builder.mutationField('optOutUsageStatistics', (t) =>
  t.field({
    type: UsageSettingsRef,
    description: 'Withdraws consent and cancels reports not yet sent. With deleteRemoteData, also asks the aggregator to delete everything it holds.',
    args: { deleteRemoteData: t.arg.boolean({ defaultValue: false }) },
    resolve: async (_, args, { em, services }) => settingsView(services, await services.submissions.exclusive(() => optOut(services, em, args.deleteRemoteData ?? false))),
  }),
);
