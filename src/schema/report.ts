import { builder } from '../builder.js';
import { REPORT_FIELDS, type ReportField, type UsageReport } from '../../common/report/contract.js';
import { previewReport } from '../report/preview.js';
import { DeploymentModeEnum, PlatformEnum } from './enums.js';

const InstallationInfo = builder.objectRef<UsageReport['installation']>('InstallationInfo').implement({
  fields: (t) => ({
    installationId: t.exposeID('installationId'),
    appVersion: t.exposeString('appVersion'),
    runtimeVersion: t.exposeString('runtimeVersion'),
    platform: t.expose('platform', { type: PlatformEnum }),
    deploymentMode: t.expose('deploymentMode', { type: DeploymentModeEnum }),
    countryCode: t.exposeString('countryCode', { nullable: true, description: 'ISO 3166-1 alpha-2, from the time zone; or null.' }),
    firstSeenOn: t.exposeString('firstSeenOn', { description: 'YYYY-MM-DD' }),
  }),
});

const ReportPeriod = builder.objectRef<UsageReport['period']>('ReportPeriod').implement({
  fields: (t) => ({
    start: t.field({ type: 'DateTime', resolve: (p) => new Date(p.start) }),
    end: t.field({ type: 'DateTime', resolve: (p) => new Date(p.end) }),
    days: t.exposeInt('days'),
  }),
});

const PrinterTypeCount = builder.objectRef<UsageReport['fleet']['printerTypes'][number]>('PrinterTypeCount').implement({
  fields: (t) => ({ type: t.exposeString('type'), model: t.exposeString('model'), count: t.exposeInt('count') }),
});

const FleetStats = builder.objectRef<UsageReport['fleet']>('FleetStats').implement({
  fields: (t) => ({
    printerCount: t.exposeInt('printerCount'),
    printerTypes: t.field({ type: [PrinterTypeCount], resolve: (f) => f.printerTypes }),
    partial: t.exposeBoolean('partial', { description: 'True when a printer plugin failed to report.' }),
  }),
});

const UsageCounts = builder.objectRef<UsageReport['usage']>('UsageCounts').implement({
  fields: (t) => ({
    jobsCreated: t.exposeInt('jobsCreated'),
    jobsCompleted: t.exposeInt('jobsCompleted'),
    jobsFailed: t.exposeInt('jobsFailed'),
    jobsCancelled: t.exposeInt('jobsCancelled'),
    filesDownloaded: t.exposeInt('filesDownloaded'),
    filesUploaded: t.exposeInt('filesUploaded'),
    appStarts: t.exposeInt('appStarts'),
    uptimeHours: t.exposeInt('uptimeHours'),
  }),
});

const FeatureState = builder.objectRef<UsageReport['features'][number]>('FeatureState').implement({
  fields: (t) => ({ feature: t.exposeString('feature'), enabled: t.exposeBoolean('enabled') }),
});

const ErrorCount = builder.objectRef<UsageReport['errors'][number]>('ErrorCount').implement({
  fields: (t) => ({ errorType: t.exposeString('errorType'), component: t.exposeString('component', { nullable: true }), count: t.exposeInt('count') }),
});

export const UsageReportRef = builder.objectRef<UsageReport>('UsageReport').implement({
  description: 'Exactly what is sent; the aggregator validates it against the same contract.',
  fields: (t) => ({
    reportId: t.exposeID('reportId'),
    schemaVersion: t.exposeInt('schemaVersion'),
    installation: t.field({ type: InstallationInfo, resolve: (r) => r.installation }),
    period: t.field({ type: ReportPeriod, resolve: (r) => r.period }),
    fleet: t.field({ type: FleetStats, resolve: (r) => r.fleet }),
    usage: t.field({ type: UsageCounts, resolve: (r) => r.usage }),
    features: t.field({ type: [FeatureState], resolve: (r) => r.features }),
    errors: t.field({ type: [ErrorCount], resolve: (r) => r.errors }),
    json: t.field({ type: 'JSON', description: 'The report as the JSON document that would be sent.', resolve: (r) => r }),
  }),
});

const ReportFieldRef = builder.objectRef<ReportField>('ReportField').implement({
  fields: (t) => ({ path: t.exposeString('path'), since: t.exposeInt('since'), description: t.exposeString('description') }),
});

builder.queryField('reportPreview', (t) =>
  t.field({
    type: UsageReportRef,
    description: 'The next report exactly as the job would build it now. Sends nothing, changes nothing.',
    resolve: (_, __, { em, services }) => previewReport(services, em),
  }),
);

builder.queryField('reportSchema', (t) =>
  t.field({ type: [ReportFieldRef], description: 'Every report field with the schema version that introduced it.', resolve: () => [...REPORT_FIELDS] }),
);
