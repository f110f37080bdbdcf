import { builder } from '../builder.js';
import { DeletionRequest } from '../entities/deletion-request.entity.js';
import { Submission } from '../entities/submission.entity.js';
import type { RemoteDeletionView } from '../jobs/report-outbox.js';
import { loadSettings, optIn, optOut, settingsView, type UsageSettingsView } from '../services/settings.js';
import type { RemoteDeletionState } from '../services/usage-data.js';
import { ConsentStateEnum, KillSwitchEnum, RemoteDeletionStateEnum } from './enums.js';

/** The config names the kill switch as it was set ('DO_NOT_TRACK=1'); the API names the variable. */
const killSwitch = (blockedBy: string | null) => (blockedBy ? (blockedBy.split('=')[0] as 'DO_NOT_TRACK' | 'PRINTERNIZER_STATS_DISABLED') : null);

export const RemoteDeletionRequestRef = builder.objectRef<RemoteDeletionView>('RemoteDeletionRequest').implement({
  description: 'A request that the aggregator delete everything it holds for an identity, with its progress.',
  fields: (t) => ({
    status: t.field({
      type: RemoteDeletionStateEnum,
      description: 'DONE once the aggregator confirmed; QUEUED while it is retried.',
      resolve: (r) => r.status,
    }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime', description: 'When the deletion was asked for.' }),
    attempts: t.exposeInt('attempts', { description: 'How many times it was sent so far.' }),
    lastError: t.exposeString('lastError', {
      nullable: true,
      description: 'Why the last attempt failed, in words for an operator; null once confirmed or before the first attempt.',
    }),
    nextAttemptAt: t.expose('nextAttemptAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the submission job tries again (its first check at or after the backoff); null once confirmed.',
    }),
    doneAt: t.expose('doneAt', { type: 'DateTime', nullable: true, description: 'When the aggregator confirmed; null until then.' }),
  }),
});

export const UsageSettingsRef = builder.objectRef<UsageSettingsView>('UsageSettings').implement({
  description: 'Consent, identity and schedule of usage statistics on this installation.',
  fields: (t) => ({
    consent: t.expose('consent', { type: ConsentStateEnum, description: "The user's decision." }),
    enabled: t.exposeBoolean('enabled', { description: 'True only when consent is GRANTED and no kill switch is set: then, and only then, reports are sent.' }),
    blockedBy: t.field({
      type: KillSwitchEnum,
      nullable: true,
      description: 'The kill switch that keeps statistics off whatever the consent; null when none is set.',
      resolve: (v) => killSwitch(v.blockedBy),
    }),
    installationId: t.exposeID('installationId', {
      nullable: true,
      description: 'The random UUID reports carry; null until the first opt-in and after a deletion.',
    }),
    shareCountry: t.exposeBoolean('shareCountry', { description: 'False when the user withholds the country: reports then carry countryCode null.' }),
    consentedSchemaVersion: t.exposeInt('consentedSchemaVersion', {
      nullable: true,
      description: 'The report schema version consented to; null before the first opt-in.',
    }),
    currentSchemaVersion: t.exposeInt('currentSchemaVersion', { description: 'The report schema version this server builds.' }),
    needsReconsent: t.exposeBoolean('needsReconsent', {
      description: 'True when consent is GRANTED to an older schema version: reports leave out the newer fields until the user opts in again.',
    }),
    submissionIntervalDays: t.exposeInt('submissionIntervalDays', { description: 'Days per report (USAGE_STATS_SUBMISSION_INTERVAL_DAYS).' }),
    lastSubmissionAt: t.expose('lastSubmissionAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the aggregator last accepted a report; null when none was ever accepted.',
    }),
    nextSubmissionAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the next report is due (or a pending one is retried); null while statistics are off.',
      resolve: (v, _, { em, outbox }) => outbox.nextSubmissionAt(em, v.row),
    }),
    lastSubmissionError: t.field({
      type: 'String',
      nullable: true,
      description: 'Why the latest report is still pending or was rejected, in words for an operator; null when it was delivered or none was built.',
      resolve: async (_, __, { em }) => {
        const [latest] = await em.find(Submission, { status: { $ne: 'CANCELLED' } }, { orderBy: [{ periodEnd: 'desc' }, { createdAt: 'desc' }], limit: 1 });
        return latest && latest.status !== 'SENT' ? latest.lastError : null;
      },
    }),
    remoteDeletion: t.field({
      type: RemoteDeletionStateEnum,
      description: 'The state of the latest request to delete data held by the aggregator.',
      resolve: async (_, __, { em }): Promise<RemoteDeletionState> => {
        const [latest] = await em.find(DeletionRequest, {}, { orderBy: { id: 'desc' }, limit: 1 });
        return latest?.status ?? 'NOT_REQUESTED';
      },
    }),
    remoteDeletionRequest: t.field({
      type: RemoteDeletionRequestRef,
      nullable: true,
      description: 'The latest request to delete data held by the aggregator, with its progress; null when none was made.',
      resolve: (_, __, { em, outbox }) => outbox.latestDeletion(em),
    }),
    endpoint: t.exposeString('endpoint', { description: 'The URL reports are sent to (USAGE_STATS_ENDPOINT).' }),
  }),
});

const OptInUsageStatisticsInput = builder.inputType('OptInUsageStatisticsInput', {
  description: 'Options of an opt-in.',
  fields: (t) => ({
    shareCountry: t.boolean({ required: true, defaultValue: true, description: 'False withholds the country: reports carry countryCode null.' }),
  }),
});

const OptOutUsageStatisticsInput = builder.inputType('OptOutUsageStatisticsInput', {
  description: 'Options of an opt-out.',
  fields: (t) => ({
    deleteRemoteData: t.boolean({
      required: true,
      defaultValue: false,
      description:
        'True also asks the aggregator to delete everything it holds for the current identity (tried at once, retried until confirmed), then forgets that identity.',
    }),
  }),
});

const UsageSettingsPayload = (name: string, what: string) =>
  builder.objectRef<{ usageSettings: UsageSettingsView }>(name).implement({
    description: `The result of ${what}.`,
    fields: (t) => ({ usageSettings: t.field({ type: UsageSettingsRef, description: 'The settings after the change.', resolve: (p) => p.usageSettings }) }),
  });
const OptInPayload = UsageSettingsPayload('OptInUsageStatisticsPayload', 'optInUsageStatistics');
const OptOutPayload = UsageSettingsPayload('OptOutUsageStatisticsPayload', 'optOutUsageStatistics');

builder.queryField('usageSettings', (t) =>
  t.field({
    type: UsageSettingsRef,
    description: 'The current settings.',
    resolve: async (_, __, { em, config }) => settingsView(await loadSettings(em), config),
  }),
);

builder.mutationField('optInUsageStatistics', (t) =>
  t.field({
    type: OptInPayload,
    nullable: true,
    description:
      'Grants consent to the current report schema; creates the installation identity on first use. The first report covers at most one interval before the latest UTC midnight.',
    args: {
      input: t.arg({ type: OptInUsageStatisticsInput, required: true, defaultValue: { shareCountry: true }, description: 'Options; all have defaults.' }),
    },
    resolve: async (_, { input }, ctx) => ({ usageSettings: settingsView(await optIn(ctx, input.shareCountry), ctx.config) }),
  }),
);

builder.mutationField('optOutUsageStatistics', (t) =>
  t.field({
    type: OptOutPayload,
    nullable: true,
    description: 'Withdraws consent and cancels reports not yet sent, releasing their events.',
    args: {
      input: t.arg({ type: OptOutUsageStatisticsInput, required: true, defaultValue: { deleteRemoteData: false }, description: 'Options; all have defaults.' }),
    },
    resolve: async (_, { input }, ctx) => {
      const change = () => optOut(ctx, input.deleteRemoteData);
      const settings = input.deleteRemoteData ? (await ctx.outbox.changeThenDeliverDeletions(change)).result : await ctx.outbox.exclusive(change);
      return { usageSettings: settingsView(settings, ctx.config) };
    },
  }),
);
