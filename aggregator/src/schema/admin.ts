import { acknowledgeAnomaly, anomalyStatuses, type AnomalyStatus } from '../admin/anomaly-state.js';
import { opsOf } from '../admin/ops.js';
import {
  deletionsByWeek,
  EVENTS,
  INSTALLATION,
  installationsByState,
  LATEST_REFUSALS,
  STATES,
  submissionsByWeek,
  type SubmissionWeek,
} from '../admin/queries.js';
import { builder } from '../builder.js';
import type { AggregatorContext } from '../context.js';
import { AuthError, codedError } from '../errors.js';
import { AnomalyKindEnum, AnomalySeverityEnum } from './anomaly.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireAdmin({ services, headers }: AggregatorContext): void {
  if (!opsOf(services).recorder.isAdmin(headers)) throw AuthError.adminOnly();
}

const CodeCount = builder.objectRef<{ code: string; count: number }>('RefusalCount').implement({
  description: 'submitReport refusals with one error code.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'The `extensions.code` of the refusal (see the Errors table).' }),
    count: t.exposeInt('count', { description: 'How many.' }),
  }),
});

const SubmissionWeekRef = builder.objectRef<SubmissionWeek>('SubmissionWeek').implement({
  description: 'submitReport outcomes in one ISO week (UTC).',
  fields: (t) => ({
    weekStart: t.expose('weekStart', { type: 'Date', description: 'Monday (UTC) of the week.' }),
    accepted: t.exposeInt('accepted', { description: 'Reports stored (a duplicate is not counted again).' }),
    refused: t.exposeInt('refused', { description: 'Refused submitReport calls, any code.' }),
    successRate: t.exposeFloat('successRate', { nullable: true, description: 'accepted / (accepted + refused), 0 to 1; null for a week with neither.' }),
    refusalsByCode: t.field({ type: [CodeCount], description: 'Refusals per error code, most first.', resolve: (w) => w.refusalsByCode }),
  }),
});

const Refusal = builder.objectRef<{ at: Date | null; code: string }>('Refusal').implement({
  description: 'One refused submitReport: its code and time. Nothing else is kept: no address, no installation, no report.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', description: 'When it was refused (UTC).', resolve: (r) => r.at ?? new Date(0) }),
    code: t.exposeString('code', { description: 'Its `extensions.code`.' }),
  }),
});

const InstallationState = builder.enumType('InstallationState', {
  description: 'How recently an installation last reported.',
  values: {
    ACTIVE: { description: `Within the last ${STATES.ACTIVE} days.` },
    IDLE: { description: `${STATES.ACTIVE} to ${STATES.IDLE} days ago.` },
    DORMANT: { description: `More than ${STATES.IDLE} days ago.` },
  } as const,
});

const StateCount = builder.objectRef<{ state: 'ACTIVE' | 'IDLE' | 'DORMANT'; count: number }>('InstallationStateCount').implement({
  description: 'Installations in one state.',
  fields: (t) => ({
    state: t.expose('state', { type: InstallationState, description: 'The state.' }),
    count: t.exposeInt('count', { description: 'How many installations.' }),
  }),
});

type InstallationRow = NonNullable<Awaited<ReturnType<typeof INSTALLATION.one>>>;
const InstallationRecord = builder.objectRef<InstallationRow>('InstallationRecord').implement({
  description: 'What the aggregator holds about one installation: the latest state its reports sent. Operator only.',
  fields: (t) => ({
    installationId: t.exposeID('id', { description: 'Its UUID.' }),
    firstReportAt: t.field({ type: 'DateTime', description: 'First report received (UTC).', resolve: (r) => r.first_report_at ?? new Date(0) }),
    lastReportAt: t.field({ type: 'DateTime', description: 'Latest report received (UTC).', resolve: (r) => r.last_report_at ?? new Date(0) }),
    appVersion: t.exposeString('app_version', { description: 'Printernizer version in its latest report.' }),
    platform: t.exposeString('platform', { description: 'Platform in its latest report.' }),
    deploymentMode: t.exposeString('deployment_mode', { description: 'Deployment mode in its latest report.' }),
    countryCode: t.exposeString('country_code', { nullable: true, description: 'Country code in its latest report; null when it sent none.' }),
    printerCount: t.exposeInt('printer_count', { description: 'Printers in its latest report.' }),
    reportsAccepted: t.exposeInt('reports', { description: 'Reports accepted from it, ever (the weekly rollup; raw reports may have expired).' }),
  }),
});

const AnomalyStatusRef = builder.objectRef<AnomalyStatus>('AnomalyStatus').implement({
  description: 'An anomaly a rule finds now, with since when and whether the operator acknowledged it.',
  fields: (t) => ({
    kind: t.expose('kind', { type: AnomalyKindEnum, description: 'The rule.' }),
    severity: t.expose('severity', { type: AnomalySeverityEnum, description: 'How urgent it is now.' }),
    message: t.exposeString('message', { description: 'What was found, for a person.' }),
    since: t.expose('since', {
      type: 'DateTime',
      description: 'When the rule first found it, without a gap since (checked by the scheduled dashboard job and every admin listing).',
    }),
    acknowledgedAt: t.expose('acknowledgedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the operator acknowledged it at this severity or a worse one; null when not (or when it got worse since).',
    }),
  }),
});

const DeletionWeek = builder.objectRef<{ weekStart: string; deletions: number; byOperator: number }>('DeletionWeek').implement({
  description: 'deleteInstallation requests handled in one ISO week.',
  fields: (t) => ({
    weekStart: t.expose('weekStart', { type: 'Date', description: 'Monday (UTC) of the week.' }),
    deletions: t.exposeInt('deletions', { description: 'Requests handled, by the operator or by installations themselves (an unknown id included).' }),
    byOperator: t.exposeInt('byOperator', { description: 'Of those, made with the admin key.' }),
  }),
});

const OpsEventRef = builder.objectRef<{ at: Date | null; kind: string; actor: string; subject: string | null }>('OpsEvent').implement({
  description: 'Something done through the API that the operator may need to account for.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', description: 'When (UTC).', resolve: (e) => e.at ?? new Date(0) }),
    kind: t.exposeString('kind', { description: '"installation-deleted" or "anomaly-acknowledged".' }),
    actor: t.exposeString('actor', { description: '"admin" (the admin key) or "owner" (the installation’s own secret).' }),
    subject: t.exposeString('subject', {
      nullable: true,
      description: 'For a deletion "sha256:" and the first 12 hex digits of the id’s SHA-256, never the id; for an acknowledgement the rule.',
    }),
  }),
});

const AdminConsole = builder.objectRef<{ now: Date }>('AdminConsole').implement({
  description: 'The operator’s view: submissions, refusals, installations, anomalies and deletions. Reached only with the admin key.',
  fields: (t) => ({
    submissions: t.field({
      type: [SubmissionWeekRef],
      nullable: true,
      description: 'The last `weeks` ISO weeks, oldest first, zero-filled.',
      args: { weeks: t.arg.int({ required: true, defaultValue: 12, description: '1 to 104.', validate: { int: true, min: 1, max: 104 } }) },
      resolve: ({ now }, { weeks }, { em }) => submissionsByWeek(em, now, weeks),
    }),
    latestRefusals: t.field({
      type: [Refusal],
      nullable: true,
      description: 'The most recent refusals, newest first (the last 200 are kept).',
      args: { first: t.arg.int({ required: true, defaultValue: 20, description: '1 to 200.', validate: { int: true, min: 1, max: 200 } }) },
      resolve: (_, { first }, { em }) => LATEST_REFUSALS.all(em, { limit: first }),
    }),
    installationsByState: t.field({
      type: [StateCount],
      description: 'Installations by state.',
      resolve: ({ now }, __, { em }) => installationsByState(em, now),
    }),
    installation: t.field({
      type: InstallationRecord,
      nullable: true,
      description: 'One installation by its UUID; null when none is stored (never reported, or deleted).',
      args: { id: t.arg.id({ required: true, description: 'The installation UUID.' }) },
      resolve: async (_, { id }, { em }) => {
        if (!UUID.test(String(id))) throw codedError('BAD_USER_INPUT', 'id: not a UUID', { field: 'id' });
        return (await INSTALLATION.one(em, { id: String(id).toLowerCase() })) ?? null;
      },
    }),
    anomalies: t.field({
      type: [AnomalyStatusRef],
      description: 'What the anomaly rules find now, in rule order.',
      resolve: ({ now }, __, { em, services }) => anomalyStatuses(em, services.kind, now),
    }),
    deletions: t.field({
      type: [DeletionWeek],
      nullable: true,
      description: 'Deletion requests handled per ISO week, oldest first.',
      args: { weeks: t.arg.int({ required: true, defaultValue: 12, description: '1 to 104.', validate: { int: true, min: 1, max: 104 } }) },
      resolve: ({ now }, { weeks }, { em }) => deletionsByWeek(em, now, weeks),
    }),
    events: t.field({
      type: [OpsEventRef],
      nullable: true,
      description: 'The latest operator events, newest first.',
      args: { first: t.arg.int({ required: true, defaultValue: 20, description: '1 to 100.', validate: { int: true, min: 1, max: 100 } }) },
      resolve: (_, { first }, { em }) => EVENTS.all(em, { limit: first }),
    }),
  }),
});

builder.queryField('admin', (t) =>
  t.field({
    type: AdminConsole,
    nullable: true,
    description: 'Operator only (X-Admin-Key): without it, null with FORBIDDEN in errors, while public fields asked alongside still answer.',
    resolve: async (_, __, ctx) => {
      requireAdmin(ctx);
      // This instance's refusals of the last seconds are written first, so the figures are current.
      await opsOf(ctx.services).recorder.flush();
      return { now: ctx.services.clock.now() };
    },
  }),
);

const AcknowledgeInput = builder.inputType('AcknowledgeAnomalyInput', {
  description: 'Which anomaly to acknowledge.',
  fields: (t) => ({ kind: t.field({ type: AnomalyKindEnum, description: 'The rule whose current anomaly is acknowledged.' }) }),
});

const AcknowledgePayload = builder.objectRef<{ anomaly: AnomalyStatus }>('AcknowledgeAnomalyPayload').implement({
  description: 'The acknowledged anomaly.',
  fields: (t) => ({ anomaly: t.field({ type: AnomalyStatusRef, description: 'It, with acknowledgedAt set.', resolve: (p) => p.anomaly }) }),
});

builder.mutationField('acknowledgeAnomaly', (t) =>
  t.field({
    type: AcknowledgePayload,
    description:
      'Marks the anomaly a rule finds now as seen, at its current severity: it shows as acknowledged until it clears or gets worse. Operator only (FORBIDDEN without X-Admin-Key); BAD_USER_INPUT when that rule finds nothing now.',
    args: { input: t.arg({ type: AcknowledgeInput, required: true, description: 'The anomaly.' }) },
    resolve: async (_, { input }, ctx) => {
      requireAdmin(ctx);
      const anomaly = await acknowledgeAnomaly(ctx.em, ctx.services.kind, input.kind, ctx.services.clock.now());
      await opsOf(ctx.services).recorder.event('anomaly-acknowledged', 'admin', input.kind);
      return { anomaly };
    },
  }),
);
