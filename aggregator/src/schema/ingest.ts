import { DEPLOYMENT_MODES, PLATFORMS } from '../../../common/report/contract.js';
import { builder } from '../builder.js';
import { deleteInstallation, submitReport, type SubmitResult } from '../ingest.js';

export const PlatformEnum = builder.enumType('Platform', { values: PLATFORMS });
export const DeploymentModeEnum = builder.enumType('DeploymentMode', { values: DEPLOYMENT_MODES });

const InstallationInfoInput = builder.inputType('InstallationInfoInput', {
  fields: (t) => ({
    installationId: t.id({ description: 'UUID v4' }),
    appVersion: t.string(),
    runtimeVersion: t.string(),
    platform: t.field({ type: PlatformEnum }),
    deploymentMode: t.field({ type: DeploymentModeEnum }),
    countryCode: t.string({ required: false, description: 'ISO 3166-1 alpha-2 or null' }),
    firstSeenOn: t.string({ description: 'YYYY-MM-DD' }),
  }),
});
const ReportPeriodInput = builder.inputType('ReportPeriodInput', {
  fields: (t) => ({ start: t.field({ type: 'DateTime', description: 'UTC midnight' }), end: t.field({ type: 'DateTime', description: 'UTC midnight' }), days: t.int() }),
});
const PrinterTypeCountInput = builder.inputType('PrinterTypeCountInput', {
  fields: (t) => ({ type: t.string(), model: t.string(), count: t.int() }),
});
const FleetStatsInput = builder.inputType('FleetStatsInput', {
  fields: (t) => ({ printerCount: t.int(), printerTypes: t.field({ type: [PrinterTypeCountInput] }), partial: t.boolean() }),
});
const UsageCountsInput = builder.inputType('UsageCountsInput', {
  fields: (t) => ({
    jobsCreated: t.int(),
    jobsCompleted: t.int(),
    jobsFailed: t.int(),
    jobsCancelled: t.int(),
    filesDownloaded: t.int(),
    filesUploaded: t.int(),
    appStarts: t.int(),
    uptimeHours: t.int(),
  }),
});
const FeatureStateInput = builder.inputType('FeatureStateInput', { fields: (t) => ({ feature: t.string(), enabled: t.boolean() }) });
const ErrorCountInput = builder.inputType('ErrorCountInput', {
  fields: (t) => ({ errorType: t.string(), component: t.string({ required: false }), count: t.int() }),
});
const UsageReportInput = builder.inputType('UsageReportInput', {
  description: 'The report contract (src/report/contract.ts); checked in full with its zod schema.',
  fields: (t) => ({
    reportId: t.id({ description: 'UUID; the idempotency key' }),
    schemaVersion: t.int(),
    installation: t.field({ type: InstallationInfoInput }),
    period: t.field({ type: ReportPeriodInput }),
    fleet: t.field({ type: FleetStatsInput }),
    usage: t.field({ type: UsageCountsInput }),
    features: t.field({ type: [FeatureStateInput] }),
    errors: t.field({ type: [ErrorCountInput] }),
  }),
});

const SubmitReportResult = builder.objectRef<SubmitResult>('SubmitReportResult').implement({
  fields: (t) => ({
    reportId: t.exposeID('reportId'),
    accepted: t.exposeBoolean('accepted'),
    duplicate: t.exposeBoolean('duplicate', { description: 'This reportId was already stored; nothing was counted again.' }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
  }),
});

const DeleteInstallationResult = builder.objectRef<{ installationId: string; deletedReports: number }>('DeleteInstallationResult').implement({
  fields: (t) => ({ installationId: t.exposeID('installationId'), deletedReports: t.exposeInt('deletedReports') }),
});

builder.mutationField('submitReport', (t) =>
  t.field({
    type: SubmitReportResult,
    description: 'Needs X-API-Key and X-Installation-Secret. Idempotent per reportId.',
    args: { report: t.arg({ type: UsageReportInput, required: true }) },
    resolve: (_, { report }, { em, services, headers, address }) =>
      submitReport(services, em, { ...report, period: { ...report.period, start: report.period.start.toISOString(), end: report.period.end.toISOString() } }, { apiKey: headers.get('x-api-key'), secret: headers.get('x-installation-secret'), address }),
  }),
);

builder.mutationField('deleteInstallation', (t) =>
  t.field({
    type: DeleteInstallationResult,
    description: 'Owner (X-Installation-Secret) or operator (X-Admin-Key). An unknown id answers 0.',
    args: { installationId: t.arg.id({ required: true }) },
    resolve: async (_, { installationId }, { em, services, headers }) => ({
      installationId: String(installationId),
      deletedReports: await deleteInstallation(services, em, String(installationId), {
        secret: headers.get('x-installation-secret'),
        adminKey: headers.get('x-admin-key'),
      }),
    }),
  }),
);
