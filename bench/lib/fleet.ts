/**
 * A synthetic fleet for the summary bench: installation i sends `reportsEach` weekly reports, the
 * last one `shift(i)` days before BENCH_NOW. `fleetReport` is the report as the local service would
 * send it; bench/lib/fleet-rows.ts turns a range of installations into the rows the ingest path
 * would store, and bench/lib/bulk-insert.ts writes them. `bench/summary.ts` checks a sample of
 * these rows against what submitReport really writes.
 */
import { DAY_MS } from '../../common/clock.js';
import type { UsageReport } from '../../common/report/contract.js';

export const FLEET_NOW = Date.parse('2026-11-28T12:00:00.000Z');
export const VERSIONS = ['2.42.0', '2.42.0', '2.42.0', '2.41.0', '2.41.0', '2.40.1', '2.39.0', '2.38.5'];
export const PLATFORMS = ['LINUX', 'LINUX', 'LINUX', 'MACOS', 'WINDOWS', 'OTHER'] as const;
export const MODES = ['HOME_ASSISTANT', 'DOCKER', 'DOCKER', 'RASPBERRY_PI', 'STANDALONE'] as const;
export const COUNTRIES = ['DE', 'DE', 'US', 'FR', 'GB', 'NL', 'AT', 'CH', 'IT', 'ES', null] as const;
const MODELS = [
  ['bambu_lab', 'P1S'],
  ['bambu_lab', 'X1C'],
  ['bambu_lab', 'A1 mini'],
  ['prusa', 'MK4S'],
  ['prusa', 'MK3.5'],
  ['octoprint', 'other'],
] as const;
export const FEATURES = ['timelapse', 'auto_download', 'notifications', 'thumbnails'];

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
export const installationIdOf = (i: number) => `00000000-0000-4000-8000-${hex(i, 12)}`;
export const reportIdOf = (i: number, j: number) => `10000000-0000-4000-8000-${hex(i * 1000 + j, 12)}`;
export const secretOf = (id: string) => `bench-secret-${id}`;

/** Every tenth installation stopped reporting 40 days ago: it is not active. */
export const shift = (i: number) => (i % 10 === 0 ? 40 : 0);

/** When the aggregator received report j (0 = oldest) of installation i. */
export function receivedAt(i: number, j: number, reportsEach: number): Date {
  return new Date(FLEET_NOW - ((reportsEach - 1 - j) * 7 + shift(i)) * DAY_MS - (i % 7200) * 1000);
}

/** Report j of installation i, as the local service would send it. Older reports carry an older version. */
export function fleetReport(i: number, j: number, reportsEach: number): UsageReport {
  const end = Math.floor(receivedAt(i, j, reportsEach).getTime() / DAY_MS) * DAY_MS;
  const types = Array.from({ length: 1 + (i % 3) }, (_, n) => MODELS[(i + n * 2) % MODELS.length]);
  const printerTypes = types.map(([type, model], n) => ({ type, model, count: 1 + ((i + n) % 2) }));
  const jobs = (i + j) % 20;
  return {
    reportId: reportIdOf(i, j),
    schemaVersion: 1,
    installation: {
      installationId: installationIdOf(i),
      appVersion: j < reportsEach - 2 ? '2.37.0' : VERSIONS[i % VERSIONS.length],
      runtimeVersion: '20.20.2',
      platform: PLATFORMS[i % PLATFORMS.length],
      deploymentMode: MODES[i % MODES.length],
      countryCode: COUNTRIES[i % COUNTRIES.length],
      firstSeenOn: '2026-01-15',
    },
    period: { start: new Date(end - 7 * DAY_MS).toISOString(), end: new Date(end).toISOString(), days: 7 },
    fleet: { printerCount: printerTypes.reduce((n, p) => n + p.count, 0), printerTypes, partial: false },
    usage: {
      jobsCreated: jobs + 2,
      jobsCompleted: jobs,
      jobsFailed: 1,
      jobsCancelled: 1,
      filesDownloaded: 3,
      filesUploaded: i % 5,
      appStarts: 1,
      uptimeHours: 160,
    },
    features: FEATURES.slice(0, 1 + (i % FEATURES.length)).map((feature, n) => ({ feature, enabled: (i + n) % 3 !== 0 })),
    errors: i % 4 === 0 ? [{ errorType: 'timeout', component: 'mqtt', count: 1 + (j % 3) }] : [],
  };
}
