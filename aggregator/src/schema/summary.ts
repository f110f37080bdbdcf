import { builder } from '../builder.js';
import { ACTIVE_DAYS, MAX_DAYS, MAX_WEEKS, type BucketCount, type FeatureAdoption, type StatsSummary, type WeekReceived } from '../summary.js';

const folded =
  'A bucket fewer than K installations fall in (AGGREGATOR_K_ANONYMITY) is folded into key "other", always listed last; the rest are sorted by count, largest first.';

export const BucketCountRef = builder.objectRef<BucketCount>('BucketCount').implement({
  description: `One bucket of a distribution. ${folded}`,
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The value counted (a version, a platform, a country code, …), or "other" for the folded buckets.' }),
    count: t.exposeInt('count', { description: 'How many fall in this bucket; the distribution says what it counts (installations or printers).' }),
    share: t.exposeFloat('share', { description: 'count divided by the sum of counts in this distribution, 0 to 1, rounded to 4 decimals.' }),
  }),
});

export const FeatureAdoptionRef = builder.objectRef<FeatureAdoption>('FeatureAdoption').implement({
  description: 'How many active installations have one feature enabled. A feature fewer than K installations report is left out rather than folded.',
  fields: (t) => ({
    feature: t.exposeString('feature', { description: 'Feature id, as installations report it (e.g. "timelapse").' }),
    enabledInstallations: t.exposeInt('enabledInstallations', { description: 'Active installations whose latest report has the feature enabled.' }),
    share: t.exposeFloat('share', { description: 'enabledInstallations divided by all active installations, 0 to 1, rounded to 4 decimals.' }),
  }),
});

const WeeklyActivity = builder.objectRef<WeekReceived>('WeeklyActivity').implement({
  description:
    'One ISO week (Monday to Sunday, UTC) of reports, by the day each report was RECEIVED, not the period it covers: a report covers the days before it was sent, and one delivered late counts in the week it arrived.',
  fields: (t) => ({
    weekStart: t.expose('weekStart', { type: 'Date', description: 'Monday (UTC) of the week.' }),
    reportingInstallations: t.exposeInt('reportingInstallations', { description: 'Installations with at least one report received this week.' }),
    reportsReceived: t.exposeInt('reportsReceived', { description: 'Reports received this week (a duplicate is not counted again).' }),
    jobsCompletedInReportsReceived: t.exposeInt('jobsCompletedInReportsReceived', {
      description:
        'Sum of usage.jobsCompleted over the reports received this week. These jobs completed during those reports’ periods, which may lie partly or wholly in earlier weeks.',
    }),
  }),
});

const StatsSummaryRef = builder.objectRef<StatsSummary>('StatsSummary').implement({
  description: `Public, k-anonymous aggregates over all reporting installations. "Active" means the last report was received within the last ${ACTIVE_DAYS} × 24 hours; every distribution describes the active installations, each by its latest report. A deleted installation counts nowhere.`,
  fields: (t) => ({
    generatedAt: t.expose('generatedAt', {
      type: 'DateTime',
      description: 'When this snapshot was computed (UTC). Every field describes that instant; a report received after it counts from the next snapshot.',
    }),
    reportsAccepted: t.exposeInt('reportsAccepted', {
      description: 'Reports ever accepted, each reportId once; includes reports whose raw copy expired after the retention period.',
    }),
    installationsEverReported: t.exposeInt('installationsEverReported', { description: 'Installations that sent at least one report, active or not.' }),
    activeInstallations: t.int({
      nullable: true,
      description: `Installations whose last report was received within \`days\` × 24 hours before generatedAt. Null only when \`days\` is refused (BAD_USER_INPUT in errors); the other fields still answer.`,
      args: {
        days: t.arg.int({
          required: true,
          defaultValue: ACTIVE_DAYS,
          description: `Window in days, 1 to ${MAX_DAYS}.`,
          validate: { int: true, min: 1, max: MAX_DAYS },
        }),
      },
      resolve: (s, { days }) => s.activeInstallations(days),
    }),
    lastReportReceivedAt: t.expose('lastReportReceivedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the most recent report was received (UTC); null when no installation has reported.',
    }),
    printersOfActiveInstallations: t.exposeInt('printersOfActiveInstallations', {
      description: `Printers configured in the active installations (${ACTIVE_DAYS} days), by each one's latest report.`,
    }),
    printersByType: t.field({
      type: [BucketCountRef],
      description: 'Printers of the active installations per printer type (plugin id). Counts printers; a type is folded by how many installations have it.',
      resolve: (s) => s.printersByType,
    }),
    printersByModel: t.field({
      type: [BucketCountRef],
      description:
        'Printers of the active installations per "type/model" key (e.g. "bambu_lab/P1S"). Counts printers; a model is folded by how many installations have it.',
      resolve: (s) => s.printersByModel,
    }),
    installationsByAppVersion: t.field({
      type: [BucketCountRef],
      description: 'Active installations per Printernizer version (appVersion). Counts installations.',
      resolve: (s) => s.installationsByAppVersion,
    }),
    installationsByPlatform: t.field({
      type: [BucketCountRef],
      description: 'Active installations per platform; keys are Platform values. Counts installations.',
      resolve: (s) => s.installationsByPlatform,
    }),
    installationsByDeploymentMode: t.field({
      type: [BucketCountRef],
      description: 'Active installations per deployment mode; keys are DeploymentMode values. Counts installations.',
      resolve: (s) => s.installationsByDeploymentMode,
    }),
    installationsByCountry: t.field({
      type: [BucketCountRef],
      description: 'Active installations per ISO 3166-1 alpha-2 country code; "unknown" for those that send none. Counts installations.',
      resolve: (s) => s.installationsByCountry,
    }),
    featureAdoption: t.field({
      type: [FeatureAdoptionRef],
      description: 'Feature use among the active installations; sorted by enabledInstallations, largest first.',
      resolve: (s) => s.featureAdoption,
    }),
    // A bounded list (at most MAX_WEEKS entries, one per week), so no connection.
    weekly: t.field({
      type: [WeeklyActivity],
      nullable: true,
      description:
        'The last `weeks` ISO weeks of received reports, oldest first, ending with the (incomplete) week of generatedAt; a week without reports is listed with zeros. Null only when `weeks` is refused (BAD_USER_INPUT in errors); the other fields still answer.',
      args: {
        weeks: t.arg.int({
          required: true,
          defaultValue: 12,
          description: `How many weeks, 1 to ${MAX_WEEKS}.`,
          validate: { int: true, min: 1, max: MAX_WEEKS },
        }),
      },
      resolve: (s, { weeks }) => s.weekly(weeks),
    }),
  }),
});

builder.queryField('statsSummary', (t) =>
  t.field({
    type: StatsSummaryRef,
    description:
      'Public, k-anonymous aggregates; no key needed. Served from a snapshot in the shared database, recomputed once it is older than AGGREGATOR_SUMMARY_MAX_AGE_SECONDS (60 by default) or after a deletion: its cost grows neither with the stored reports nor with the fleet, and every instance answers the same. generatedAt says how fresh it is.',
    resolve: (_, __, { services }) => services.summary.current(services.config.kAnonymity),
  }),
);
