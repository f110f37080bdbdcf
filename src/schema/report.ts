import { builder } from '../builder.js';
import { REPORT_FIELDS, type ReportField, type UsageReport } from '../../common/report/contract.js';
import { periodInProgress, type PeriodInProgress } from '../report/in-progress.js';
import { previewReport } from '../report/preview.js';
import { DeploymentModeEnum, PlatformEnum } from './enums.js';

const InstallationInfo = builder.objectRef<UsageReport['installation']>('InstallationInfo').implement({
  description: 'What a report says about the installation. Nothing in it identifies a person or a machine.',
  fields: (t) => ({
    installationId: t.exposeID('installationId', {
      description: 'Random UUID drawn at the first opt-in. In a preview before that, the placeholder 00000000-0000-4000-8000-000000000000.',
    }),
    appVersion: t.exposeString('appVersion', { description: 'Printernizer version (APP_VERSION or package.json), e.g. 2.42.0.' }),
    runtimeVersion: t.exposeString('runtimeVersion', { description: 'Node.js version, e.g. 20.18.1.' }),
    platform: t.expose('platform', { type: PlatformEnum, description: 'Operating system family.' }),
    deploymentMode: t.expose('deploymentMode', { type: DeploymentModeEnum, description: 'How Printernizer is installed.' }),
    countryCode: t.exposeString('countryCode', {
      nullable: true,
      description:
        'ISO 3166-1 alpha-2 country of the configured time zone, e.g. DE; null when the zone names no single country or the user withholds it. Never from the IP address.',
    }),
    firstSeenOn: t.expose('firstSeenOn', { type: 'Date', description: 'The UTC day of the first opt-in.' }),
  }),
});

const ReportPeriod = builder.objectRef<UsageReport['period']>('ReportPeriod').implement({
  description: 'The whole UTC days a report covers: [start, end).',
  fields: (t) => ({
    start: t.field({ type: 'DateTime', description: 'The first instant covered: a UTC midnight.', resolve: (p) => new Date(p.start) }),
    end: t.field({ type: 'DateTime', description: 'The first instant not covered: the UTC midnight after the last day.', resolve: (p) => new Date(p.end) }),
    days: t.exposeInt('days', { description: 'How many whole days lie between start and end (at least 1).' }),
  }),
});

const PrinterTypeCount = builder.objectRef<UsageReport['fleet']['printerTypes'][number]>('PrinterTypeCount').implement({
  description: 'How many printers of one type and model.',
  fields: (t) => ({
    type: t.exposeID('type', { description: 'The PrinterType.id.' }),
    model: t.exposeString('model', { description: 'A model the plugin declares (PrinterType.models), or "other".' }),
    count: t.exposeInt('count', { description: 'How many printers; at least 1.' }),
  }),
});

const FleetStats = builder.objectRef<UsageReport['fleet']>('FleetStats').implement({
  description: 'Anonymous counts of the printers, collected from the printer plugins when the report is built.',
  fields: (t) => ({
    printerCount: t.exposeInt('printerCount', { description: 'How many printers are configured.' }),
    printerTypes: t.field({ type: [PrinterTypeCount], description: 'Counts per type and model.', resolve: (f) => f.printerTypes }),
    partial: t.exposeBoolean('partial', { description: 'True when a printer plugin failed to report, so the counts may be short.' }),
  }),
});

const UsageCounts = builder.objectRef<UsageReport['usage']>('UsageCounts').implement({
  description:
    'Event counts over the report period. An event counts in the report whose period holds its occurredAt, or in the next report if it was recorded late.',
  fields: (t) => ({
    jobsCreated: t.exposeInt('jobsCreated', { description: 'JOB_CREATED events.' }),
    jobsCompleted: t.exposeInt('jobsCompleted', { description: 'JOB_COMPLETED events.' }),
    jobsFailed: t.exposeInt('jobsFailed', { description: 'JOB_FAILED events.' }),
    jobsCancelled: t.exposeInt('jobsCancelled', { description: 'JOB_CANCELLED events.' }),
    filesDownloaded: t.exposeInt('filesDownloaded', { description: 'FILE_DOWNLOADED events.' }),
    filesUploaded: t.exposeInt('filesUploaded', { description: 'FILE_UPLOADED events.' }),
    appStarts: t.exposeInt('appStarts', { description: 'APP_START events.' }),
    uptimeHours: t.exposeInt('uptimeHours', {
      description: 'Whole hours the server ran in the period, measured from start, heartbeat and shutdown; never estimated.',
    }),
  }),
});

const FeatureState = builder.objectRef<UsageReport['features'][number]>('FeatureState').implement({
  description: "A feature's state at the end of the period, from its latest FEATURE_ENABLED or FEATURE_DISABLED event.",
  fields: (t) => ({
    feature: t.exposeString('feature', { description: 'The feature slug, as recorded.' }),
    enabled: t.exposeBoolean('enabled', { description: 'True when the latest event was FEATURE_ENABLED.' }),
  }),
});

const ErrorCount = builder.objectRef<UsageReport['errors'][number]>('ErrorCount').implement({
  description: 'How many ERROR_OCCURRED events of one kind. There are no messages.',
  fields: (t) => ({
    errorType: t.exposeString('errorType', { description: 'The errorType slug, as recorded.' }),
    component: t.exposeString('component', { nullable: true, description: 'The component slug, as recorded; null when none was given.' }),
    count: t.exposeInt('count', { description: 'How many events; at least 1.' }),
  }),
});

export const UsageReportRef = builder.objectRef<UsageReport>('UsageReport').implement({
  description: 'A usage report exactly as it is sent; the aggregator validates it against the same contract.',
  fields: (t) => ({
    reportId: t.exposeID('reportId', {
      description:
        'Random UUID; the aggregator answers a resent copy as a duplicate. In a preview of a report not yet built, the placeholder 00000000-0000-4000-8000-000000000000.',
    }),
    schemaVersion: t.exposeInt('schemaVersion', { description: 'The report schema version whose fields the report carries (see reportSchema).' }),
    installation: t.field({ type: InstallationInfo, description: 'About the installation.', resolve: (r) => r.installation }),
    period: t.field({ type: ReportPeriod, description: 'The days covered.', resolve: (r) => r.period }),
    fleet: t.field({ type: FleetStats, description: 'The printers.', resolve: (r) => r.fleet }),
    usage: t.field({ type: UsageCounts, description: 'Event counts.', resolve: (r) => r.usage }),
    features: t.field({
      type: [FeatureState],
      description: 'Features by their state at the end of the period, sorted by feature.',
      resolve: (r) => r.features,
    }),
    errors: t.field({ type: [ErrorCount], description: 'Error counts by errorType and component.', resolve: (r) => r.errors }),
    json: t.field({ type: 'JSON', description: 'The whole report as the JSON document that is sent.', resolve: (r) => r }),
  }),
});

const ReportFieldRef = builder.objectRef<ReportField>('ReportField').implement({
  description: 'One field a report may carry, for a consent screen.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'Dotted path in the report JSON, e.g. usage.jobsCompleted.' }),
    since: t.exposeInt('since', { description: 'The report schema version that introduced the field.' }),
    description: t.exposeString('description', { description: 'What the field says, in words for the user.' }),
  }),
});

builder.queryField('reportPreview', (t) =>
  t.field({
    type: UsageReportRef,
    description:
      'The next report exactly as the job would send it now: a pending report as stored, otherwise the one that would be built. Sends nothing, changes nothing.',
    resolve: (_, __, ctx) => previewReport(ctx),
  }),
);

builder.queryField('reportSchema', (t) =>
  t.field({
    type: [ReportFieldRef],
    description: 'Every field a report may carry, with the schema version that introduced it.',
    resolve: () => [...REPORT_FIELDS],
  }),
);

const PeriodInProgressRef = builder.objectRef<PeriodInProgress>('PeriodInProgress').implement({
  description: 'What has been recorded since the latest UTC midnight: not in the report preview yet, it goes in the report that covers this period.',
  fields: (t) => ({
    start: t.expose('start', { type: 'DateTime', description: 'The latest UTC midnight.' }),
    end: t.expose('end', { type: 'DateTime', description: 'The UTC midnight where the report holding these events ends: start plus the submission interval.' }),
    days: t.exposeInt('days', { description: 'Days from start to end (USAGE_STATS_SUBMISSION_INTERVAL_DAYS).' }),
    sendsAt: t.expose('sendsAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the submission job will send that report (its first check after the report is due); null while statistics are off.',
    }),
    usage: t.field({ type: UsageCounts, description: 'Event counts so far, counted as a report counts them.', resolve: (p) => p.usage }),
    errors: t.field({ type: [ErrorCount], description: 'Error counts so far, by errorType and component.', resolve: (p) => p.errors }),
  }),
});

builder.queryField('periodInProgress', (t) =>
  t.field({
    type: PeriodInProgressRef,
    description: 'The events recorded since the latest UTC midnight, beside reportPreview: "these will be in the report sent on sendsAt". Sends nothing.',
    resolve: (_, __, ctx) => periodInProgress(ctx),
  }),
);
