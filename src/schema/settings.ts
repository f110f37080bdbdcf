import { builder } from '../builder.js';
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
    nextSubmissionAt: t.expose('nextSubmissionAt', { type: 'DateTime', nullable: true }),
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
    resolve: async (_, args, { em, services }) => settingsView(services, await optOut(services, em, args.deleteRemoteData ?? false)),
  }),
);
