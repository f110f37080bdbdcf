/**
 * What the public dashboard and the operator's console write against the aggregator's generated
 * documents. Compiled, not run: `tsc -p clients` fails when an operation or the schema changes under it.
 */
import { requestData } from '../request.js';
import { AnomaliesDocument, HealthDocument, StatsDashboardDocument, type AnomalySeverity, type BucketFragment } from './__generated__/graphql.js';

const SEVERITY_ORDER: Record<AnomalySeverity, number> = { HIGH: 0, MEDIUM: 1, INFO: 2 };

const percent = (buckets: readonly BucketFragment[]) => buckets.map((b) => `${b.key} ${(b.share * 100).toFixed(0)}% (${b.count})`);

export async function dashboard(endpoint: string) {
  const { statsSummary: s } = await requestData(endpoint, StatsDashboardDocument, { activeDays: 30, weeks: 12 });
  return {
    headline: `${s.activeInstallations ?? '?'} active of ${s.installationsEverReported} installations, ${s.printersOfActiveInstallations} printers`,
    updated: new Date(s.generatedAt),
    lastReport: s.lastReportReceivedAt ? new Date(s.lastReportReceivedAt) : null,
    platforms: percent(s.installationsByPlatform),
    versions: percent(s.installationsByAppVersion),
    countries: percent(s.installationsByCountry),
    modes: percent(s.installationsByDeploymentMode),
    printers: [...percent(s.printersByType), ...percent(s.printersByModel)],
    features: s.featureAdoption.map((f) => `${f.feature}: ${f.enabledInstallations} (${(f.share * 100).toFixed(0)}%)`),
    chart: (s.weekly ?? []).map((w) => ({
      week: w.weekStart,
      installations: w.reportingInstallations,
      reports: w.reportsReceived,
      jobs: w.jobsCompletedInReportsReceived,
    })),
  };
}

export async function isHealthy(endpoint: string): Promise<boolean> {
  const { health } = await requestData(endpoint, HealthDocument, {});
  return health.status === 'OK' && health.database && health.redis !== false;
}

export async function anomalies(endpoint: string, adminKey: string) {
  const { anomalies } = await requestData(endpoint, AnomaliesDocument, {}, { 'x-admin-key': adminKey });
  return [...(anomalies ?? [])].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]).map((a) => `${a.severity} ${a.kind}: ${a.message}`);
}

export function refusedAtCompileTime(endpoint: string) {
  // @ts-expect-error weeks is a required Int
  void requestData(endpoint, StatsDashboardDocument, { activeDays: 30 });
}
