import { LIMITS, type DeploymentMode, type Platform } from '../../../common/report/contract.js';
import { builder } from '../builder.js';
import { submitReport, type SubmitResult } from '../ingest.js';

const PLATFORM_VALUES: Record<Platform, { description: string }> = {
  LINUX: { description: 'Linux, including Raspberry Pi OS and Home Assistant OS.' },
  MACOS: { description: 'macOS.' },
  WINDOWS: { description: 'Windows.' },
  OTHER: { description: 'Any other operating system.' },
};
const DEPLOYMENT_MODE_VALUES: Record<DeploymentMode, { description: string }> = {
  HOME_ASSISTANT: { description: 'Runs as a Home Assistant add-on.' },
  DOCKER: { description: 'Runs in a Docker (or other OCI) container.' },
  RASPBERRY_PI: { description: 'Installed directly on a Raspberry Pi.' },
  STANDALONE: { description: 'Installed directly on any other machine.' },
};

export const PlatformEnum = builder.enumType('Platform', { description: 'Operating system family of an installation.', values: PLATFORM_VALUES });
export const DeploymentModeEnum = builder.enumType('DeploymentMode', { description: 'How an installation runs Printernizer.', values: DEPLOYMENT_MODE_VALUES });

const count = `A whole number from 0 to ${LIMITS.count.toLocaleString('en')}.`;

const InstallationInfoInput = builder.inputType('InstallationInfoInput', {
  description: 'Who is reporting, without anything that identifies a person or a machine.',
  fields: (t) => ({
    installationId: t.id({
      description: 'Random UUID v4 the installation created when it opted in. Its secret (X-Installation-Secret) is bound to it by the first report.',
    }),
    appVersion: t.string({ description: 'Printernizer version, e.g. "2.42.0" (letters, digits, . + -; at most 32 characters).' }),
    runtimeVersion: t.string({ description: 'Node.js version, e.g. "20.20.2" (same format as appVersion).' }),
    platform: t.field({ type: PlatformEnum, description: 'Operating system family.' }),
    deploymentMode: t.field({ type: DeploymentModeEnum, description: 'How Printernizer runs.' }),
    // An enum of ~250 ISO codes would make every ISO change a schema change for all clients, and
    // GraphQL's own refusal would repeat the value; the contract checks the format instead.
    countryCode: t.string({
      required: false,
      description:
        'ISO 3166-1 alpha-2 code in capitals (e.g. "DE"), derived from the configured time zone, never from an IP address. Null when unknown, ambiguous or withheld.',
    }),
    firstSeenOn: t.field({ type: 'Date', description: 'UTC day the installation first enabled statistics.' }),
  }),
});

const ReportPeriodInput = builder.inputType('ReportPeriodInput', {
  description: 'The whole UTC days a report covers: from `start` (inclusive) to `end` (exclusive).',
  fields: (t) => ({
    start: t.field({ type: 'DateTime', description: 'UTC midnight that begins the first day covered.' }),
    end: t.field({ type: 'DateTime', description: 'UTC midnight after the last day covered; later than start.' }),
    days: t.int({ description: `Days covered: exactly (end − start) in days, 1 to ${LIMITS.periodDays}.` }),
  }),
});

const PrinterTypeCountInput = builder.inputType('PrinterTypeCountInput', {
  description: 'How many printers of one type and model an installation has configured.',
  fields: (t) => ({
    type: t.string({ description: 'Printer plugin id, a slug such as "bambu_lab" or "prusa".' }),
    model: t.string({
      description: 'Model as the plugin declares it, e.g. "P1S" (at most 32 characters), or "other" for a model the plugin does not declare.',
    }),
    count: t.int({ description: `Printers of this type and model, 1 to ${LIMITS.printers.toLocaleString('en')}.` }),
  }),
});

const FleetStatsInput = builder.inputType('FleetStatsInput', {
  description: 'The printers configured at the end of the period. No names, serial numbers or addresses.',
  fields: (t) => ({
    printerCount: t.int({ description: `Printers configured, 0 to ${LIMITS.printers.toLocaleString('en')}.` }),
    printerTypes: t.field({ type: [PrinterTypeCountInput], description: `Printers per type and model; at most ${LIMITS.listLength} entries.` }),
    partial: t.boolean({ description: 'True when a printer plugin failed to list its printers, so the counts may be low.' }),
  }),
});

const UsageCountsInput = builder.inputType('UsageCountsInput', {
  description: 'What happened during the period, as counts.',
  fields: (t) => ({
    jobsCreated: t.int({ description: `Print jobs created. ${count}` }),
    jobsCompleted: t.int({ description: `Print jobs completed. ${count}` }),
    jobsFailed: t.int({ description: `Print jobs failed. ${count}` }),
    jobsCancelled: t.int({ description: `Print jobs cancelled. ${count}` }),
    filesDownloaded: t.int({ description: `Files downloaded from printers. ${count}` }),
    filesUploaded: t.int({ description: `Files uploaded. ${count}` }),
    appStarts: t.int({ description: `Times Printernizer started. ${count}` }),
    uptimeHours: t.int({ description: 'Whole hours Printernizer was running during the period; at most 24 × period.days.' }),
  }),
});

const FeatureStateInput = builder.inputType('FeatureStateInput', {
  description: 'Whether one feature was enabled at the end of the period.',
  fields: (t) => ({
    feature: t.string({ description: 'Feature id, a slug such as "timelapse" (a-z, 0-9, _ . -; at most 64 characters).' }),
    enabled: t.boolean({ description: 'True when the feature was enabled.' }),
  }),
});

const ErrorCountInput = builder.inputType('ErrorCountInput', {
  description: 'How often one kind of error occurred during the period. No messages, no stack traces.',
  fields: (t) => ({
    errorType: t.string({ description: 'Error type, a slug such as "timeout".' }),
    component: t.string({ required: false, description: 'Where it occurred, a slug such as "mqtt"; null when not attributed to a component.' }),
    count: t.int({ description: `Occurrences, 1 to ${LIMITS.count.toLocaleString('en')}.` }),
  }),
});

const UsageReportInput = builder.inputType('UsageReportInput', {
  description:
    'One usage report, exactly as the report contract (common/report/contract.ts) defines it; the whole report is checked with that contract. A field that breaks it is refused with BAD_USER_INPUT naming the field in `extensions.field`, without repeating the value.',
  fields: (t) => ({
    reportId: t.id({
      description:
        'Random UUID of this report: the idempotency key. Sending the same report again is answered as a duplicate; the same id with other content is refused.',
    }),
    schemaVersion: t.int({
      description: 'Version of the report format this report follows; a version the aggregator does not support is refused with BAD_USER_INPUT.',
    }),
    installation: t.field({ type: InstallationInfoInput, description: 'The reporting installation.' }),
    period: t.field({ type: ReportPeriodInput, description: 'The days the report covers.' }),
    fleet: t.field({ type: FleetStatsInput, description: 'The printers configured.' }),
    usage: t.field({ type: UsageCountsInput, description: 'Usage counts for the period.' }),
    features: t.field({ type: [FeatureStateInput], description: `Enabled state of each feature; at most ${LIMITS.listLength} entries.` }),
    errors: t.field({
      type: [ErrorCountInput],
      description: `Error counts by type and component; at most ${LIMITS.listLength} entries, empty when there were none.`,
    }),
  }),
});

const SubmitReportPayload = builder.objectRef<SubmitResult>('SubmitReportPayload').implement({
  description: 'The stored report. A report that is refused is an error, not a payload.',
  fields: (t) => ({
    reportId: t.exposeID('reportId', { description: 'The reportId sent.' }),
    installationId: t.exposeID('installationId', { description: 'The installation the report was stored for.' }),
    duplicate: t.exposeBoolean('duplicate', { description: 'True when this reportId was already stored with the same content: nothing was counted again.' }),
    receivedAt: t.expose('receivedAt', {
      type: 'DateTime',
      description: 'When the aggregator first stored this report (UTC); for a duplicate, the original time.',
    }),
  }),
});

builder.mutationField('submitReport', (t) =>
  t.field({
    type: SubmitReportPayload,
    description:
      'Stores one usage report. Needs a client key (X-API-Key) and the installation secret (X-Installation-Secret; the first report binds it). Idempotent per reportId. Rate-limited per client address and per installation (RATE_LIMITED with retryAfterSeconds).',
    args: { input: t.arg({ type: UsageReportInput, required: true, description: 'The report.' }) },
    resolve: (_, { input }, { em, services, headers, address }) =>
      submitReport(
        services,
        em,
        { ...input, period: { ...input.period, start: input.period.start.toISOString(), end: input.period.end.toISOString() } },
        { apiKey: headers.get('x-api-key'), secret: headers.get('x-installation-secret'), address },
      ),
  }),
);
