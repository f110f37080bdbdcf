import { builder } from '../builder.js';
import { detectAnomalies, type Anomaly } from '../anomalies.js';
import { safeEqual } from '../auth.js';
import { AuthError } from '../errors.js';
import { activeInstallations, statsSummary, weekly, type BucketCount } from '../summary.js';

type Summary = Awaited<ReturnType<typeof statsSummary>>;

const BucketCountRef = builder.objectRef<BucketCount>('BucketCount').implement({
  description: "A distribution bucket. Buckets with fewer than K installations are folded into key 'other'.",
  fields: (t) => ({ key: t.exposeString('key'), count: t.exposeInt('count'), share: t.exposeFloat('share') }),
});
const FeatureAdoption = builder.objectRef<Summary['features'][number]>('FeatureAdoption').implement({
  fields: (t) => ({ feature: t.exposeString('feature'), enabled: t.exposeInt('enabled'), share: t.exposeFloat('share') }),
});
const WeeklyActivity = builder.objectRef<Awaited<ReturnType<typeof weekly>>[number]>('WeeklyActivity').implement({
  fields: (t) => ({
    weekStart: t.exposeString('weekStart', { description: 'Monday of the ISO week, YYYY-MM-DD (UTC).' }),
    activeInstallations: t.exposeInt('activeInstallations'),
    reports: t.exposeInt('reports'),
    jobsCompleted: t.exposeInt('jobsCompleted'),
  }),
});

const StatsSummary = builder.objectRef<Summary>('StatsSummary').implement({
  fields: (t) => ({
    generatedAt: t.expose('generatedAt', { type: 'DateTime' }),
    totalReports: t.exposeInt('totalReports', { description: 'Reports ever accepted, from deleted installations excepted.' }),
    installations: t.exposeInt('installations'),
    activeInstallations: t.int({
      args: { days: t.arg.int({ defaultValue: 30, validate: { int: true, min: 1, max: 3650 } }) },
      resolve: (_, a, { em, services }) => activeInstallations(em, services.clock.now(), a.days ?? 30),
    }),
    latestReportAt: t.expose('latestReportAt', { type: 'DateTime', nullable: true }),
    printers: t.exposeInt('printers', { description: 'Printers of the installations active in the last 30 days.' }),
    printerTypes: t.field({ type: [BucketCountRef], resolve: (s) => s.printerTypes }),
    printerModels: t.field({ type: [BucketCountRef], description: 'Keys are type/model.', resolve: (s) => s.printerModels }),
    appVersions: t.field({ type: [BucketCountRef], resolve: (s) => s.appVersions }),
    platforms: t.field({ type: [BucketCountRef], resolve: (s) => s.platforms }),
    deploymentModes: t.field({ type: [BucketCountRef], resolve: (s) => s.deploymentModes }),
    countries: t.field({ type: [BucketCountRef], resolve: (s) => s.countries }),
    features: t.field({ type: [FeatureAdoption], resolve: (s) => s.features }),
    weekly: t.field({
      type: [WeeklyActivity],
      args: { weeks: t.arg.int({ defaultValue: 12, validate: { int: true, min: 1, max: 104 } }) },
      resolve: (_, a, { em, services }) => weekly(em, services.clock.now(), a.weeks ?? 12),
    }),
  }),
});

const AnomalyRef = builder.objectRef<Anomaly>('Anomaly').implement({
  fields: (t) => ({
    kind: t.exposeString('kind'),
    severity: t.exposeString('severity', { description: 'info, medium or high' }),
    message: t.exposeString('message'),
    detectedAt: t.expose('detectedAt', { type: 'DateTime' }),
  }),
});

builder.queryField('statsSummary', (t) =>
  t.field({
    type: StatsSummary,
    description: 'Public, k-anonymous aggregates (no key needed).',
    resolve: (_, __, { em, services }) => statsSummary(em, services.clock.now(), services.config.kAnonymity),
  }),
);

builder.queryField('anomalies', (t) =>
  t.field({
    type: [AnomalyRef],
    description: 'Operator only (X-Admin-Key).',
    resolve: (_, __, { em, services, headers }) => {
      const key = headers.get('x-admin-key');
      if (!services.config.adminKey || !key || !safeEqual(key, services.config.adminKey)) throw AuthError.adminOnly();
      return detectAnomalies(em, services.kind, services.clock.now());
    },
  }),
);
