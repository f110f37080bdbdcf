import { opsOf } from '../admin/ops.js';
import { builder } from '../builder.js';
import type { Dashboard, DashboardWeek, ErrorBucket } from '../dashboard.js';
import { DASHBOARD_WEEKS } from '../dashboard-snapshot.js';
import { BucketCountRef, FeatureAdoptionRef } from './summary.js';

const DashboardWeekRef = builder.objectRef<DashboardWeek>('DashboardWeek').implement({
  description:
    'One ISO week (Monday to Sunday, UTC) by the day reports were received. k-anonymous week by week: a week fewer than K installations reported in shows no figures (null and empty lists).',
  fields: (t) => ({
    weekStart: t.expose('weekStart', { type: 'Date', description: 'Monday (UTC) of the week.' }),
    complete: t.exposeBoolean('complete', { description: 'False for the week of generatedAt, which is still running (its figures grow until Sunday).' }),
    activeInstallations: t.exposeInt('activeInstallations', {
      nullable: true,
      description: 'Installations with at least one report received this week (as statsSummary.weekly.reportingInstallations); null when fewer than K.',
    }),
    growth: t.exposeFloat('growth', {
      nullable: true,
      description:
        'Week-over-week change of activeInstallations, e.g. 0.25 for +25 %, rounded to 4 decimals; null when this week or the one before is null. An incomplete week is compared as it stands.',
    }),
    appVersions: t.field({
      type: [BucketCountRef],
      description:
        'Installations per Printernizer version, by each one’s latest report received this week; a version fewer than K ran is folded into "other". share is of the installations described.',
      resolve: (w) => w.appVersions,
    }),
    featureAdoption: t.field({
      type: [FeatureAdoptionRef],
      description:
        'Feature use by each installation’s latest report received this week; share is of those installations. A feature fewer than K installations reported this week is left out.',
      resolve: (w) => w.featureAdoption,
    }),
  }),
});

const ErrorBucketRef = builder.objectRef<ErrorBucket>('ErrorBucket').implement({
  description:
    'Reported errors of one type in one component over the weeks asked. Listed when, in at least one of those weeks, K or more installations reported it; the rest are added up as component "other", type "other", listed last.',
  fields: (t) => ({
    component: t.exposeString('component', {
      description: 'Component slug (e.g. "mqtt"), "unattributed" when reports named none, or "other" for the folded rest.',
    }),
    errorType: t.exposeString('errorType', { description: 'Error type slug (e.g. "timeout"), or "other" for the folded rest.' }),
    occurrences: t.exposeInt('occurrences', { description: 'Occurrences summed over the reports received in those weeks.' }),
  }),
});

const DashboardRef = builder.objectRef<Dashboard>('Dashboard').implement({
  description:
    'The public dashboard’s trends: k-anonymous week by week (K = AGGREGATOR_K_ANONYMITY). Served from a stored snapshot (dashboard_snapshot) refreshed on the summary’s schedule and after every deletion, so a request reads one row however large the fleet.',
  fields: (t) => ({
    generatedAt: t.expose('generatedAt', { type: 'DateTime', description: 'When the snapshot was computed (UTC).' }),
    kAnonymity: t.exposeInt('kAnonymity', { description: 'K: no published figure describes fewer than K installations.' }),
    weeks: t.field({ type: [DashboardWeekRef], description: 'The weeks asked, oldest first, ending with the week of generatedAt.', resolve: (d) => d.weeks }),
    errorsByComponent: t.field({
      type: [ErrorBucketRef],
      description: 'Error types by component over the weeks asked, most frequent first.',
      resolve: (d) => d.errorsByComponent,
    }),
  }),
});

builder.queryField('dashboard', (t) =>
  t.field({
    type: DashboardRef,
    nullable: true,
    description: 'Public. Week-by-week trends for the dashboard page at `/`. Null only when `weeks` is refused (BAD_USER_INPUT in errors).',
    args: {
      weeks: t.arg.int({
        required: true,
        defaultValue: 12,
        description: `How many ISO weeks, 2 to ${DASHBOARD_WEEKS}.`,
        validate: { int: true, min: 2, max: DASHBOARD_WEEKS },
      }),
    },
    resolve: (_, { weeks }, { services }) => opsOf(services).dashboard.current(services.config.kAnonymity, weeks),
  }),
);
