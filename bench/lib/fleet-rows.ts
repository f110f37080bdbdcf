/**
 * The rows submitReport would have left for a range of fleet installations (bench/lib/fleet.ts),
 * built fast enough for a million reports: each report's canonical JSON (keys sorted at every
 * level: what canonicalHash hashes, and a valid stored payload) is put together from parts that are
 * fixed per installation, so a report costs one string and one SHA-256. A sample of installations
 * is checked against the generic canonical form of `fleetReport`, so the two cannot drift apart.
 */
import { canonicalJson, sha256 } from '../../common/canonical.js';
import { DAY_MS } from '../../common/clock.js';
import type { DatabaseKind } from '../../common/db.js';
import { hashSecret } from '../../aggregator/src/auth.js';

import { isoWeekStart } from '../../aggregator/src/week.js';
import { fleetReport, installationIdOf, receivedAt, reportIdOf, secretOf } from './fleet.js';

/** Rows in the column order of FLEET_TABLES; instants as epoch ms (SQLite) or ISO text (PostgreSQL). */
export interface FleetRows {
  installations: unknown[][];
  weeks: unknown[][];
  reports: unknown[][];
}

/** Table and columns of each kind of row, in insert order. */
export const FLEET_TABLES: Record<keyof FleetRows, { name: string; columns: string[] }> = {
  installations: {
    name: 'installation',
    columns: [
      'id',
      'secret_hash',
      'first_report_at',
      'last_report_at',
      'latest_period_end',
      'app_version',
      'platform',
      'deployment_mode',
      'country_code',
      'printer_count',
      'printer_types',
      'features',
      'error_count',
    ],
  },
  weeks: { name: 'installation_week', columns: ['week_start', 'installation_id', 'reports', 'jobs_completed', 'errors'] },
  reports: { name: 'report', columns: ['id', 'installation_id', 'received_at', 'schema_version', 'period_start', 'period_end', 'payload_hash', 'payload'] },
};

/** Instant → how each database's column receives it; the same few values repeat, so they are cached. */
function instants(kind: DatabaseKind) {
  const iso = new Map<number, string>();
  const isoOf = (ms: number) => {
    let s = iso.get(ms);
    if (s === undefined) iso.set(ms, (s = new Date(ms).toISOString()));
    return s;
  };
  const weeks = new Map<number, string>();
  const weekOf = (ms: number) => {
    const day = Math.floor(ms / DAY_MS);
    let s = weeks.get(day);
    if (s === undefined) weeks.set(day, (s = isoWeekStart(new Date(ms))));
    return s;
  };
  return { isoOf, weekOf, column: kind === 'sqlite' ? (ms: number) => ms : isoOf };
}

/** Installation i's report j as canonical JSON, from the parts of `fleetReport` that do not change between its reports. */
function reportText(
  i: number,
  j: number,
  reportsEach: number,
  fixed: { features: string; fleet: string; who: string; version: string },
  iso: (ms: number) => string,
) {
  const end = Math.floor(receivedAt(i, j, reportsEach).getTime() / DAY_MS) * DAY_MS;
  const jobs = (i + j) % 20;
  const errors = i % 4 === 0 ? `[{"component":"mqtt","count":${1 + (j % 3)},"errorType":"timeout"}]` : '[]';
  const appVersion = j < reportsEach - 2 ? '2.37.0' : fixed.version;
  return (
    `{"errors":${errors},"features":${fixed.features},"fleet":${fixed.fleet},"installation":{"appVersion":"${appVersion}",${fixed.who}},` +
    `"period":{"days":7,"end":"${iso(end)}","start":"${iso(end - 7 * DAY_MS)}"},"reportId":"${reportIdOf(i, j)}","schemaVersion":1,` +
    `"usage":{"appStarts":1,"filesDownloaded":3,"filesUploaded":${i % 5},"jobsCancelled":1,"jobsCompleted":${jobs},"jobsCreated":${jobs + 2},"jobsFailed":1,"uptimeHours":160}}`
  );
}

/** All rows of installations [from, to), as submitReport would have left them after every report. */
export function fleetRows(kind: DatabaseKind, from: number, to: number, reportsEach: number): FleetRows {
  const at = instants(kind);
  const rows: FleetRows = { installations: [], weeks: [], reports: [] };
  for (let i = from; i < to; i++) {
    const id = installationIdOf(i);
    const last = fleetReport(i, reportsEach - 1, reportsEach);
    const { installationId, appVersion, ...who } = last.installation;
    const whoText = canonicalJson({ ...who, installationId }).slice(1, -1);
    const fixed = { features: canonicalJson(last.features), fleet: canonicalJson(last.fleet), who: whoText, version: appVersion };
    // One installation in 97 is compared with the generic form: a change to fleetReport must show up here.
    const check = i % 97 === 0;
    const perWeek = new Map<string, unknown[]>();
    let errorCount = 0;
    for (let j = 0; j < reportsEach; j++) {
      const received = receivedAt(i, j, reportsEach).getTime();
      const text = reportText(i, j, reportsEach, fixed, at.isoOf);
      if (check && text !== canonicalJson(fleetReport(i, j, reportsEach))) throw new Error(`fleet-rows: report ${i}/${j} differs from fleetReport`);
      const end = Math.floor(received / DAY_MS) * DAY_MS;
      rows.reports.push([reportIdOf(i, j), id, at.column(received), 1, at.column(end - 7 * DAY_MS), at.column(end), sha256(text), text]);
      errorCount = i % 4 === 0 ? 1 + (j % 3) : 0;
      const jobs = (i + j) % 20;
      const weekStart = at.weekOf(received);
      const week = perWeek.get(weekStart);
      if (week) {
        week[2] = (week[2] as number) + 1;
        week[3] = (week[3] as number) + jobs;
        week[4] = (week[4] as number) + errorCount;
      } else perWeek.set(weekStart, [weekStart, id, 1, jobs, errorCount]);
    }
    const end = Date.parse(last.period.end);
    rows.installations.push([
      id,
      hashSecret(secretOf(id)),
      at.column(receivedAt(i, 0, reportsEach).getTime()),
      at.column(receivedAt(i, reportsEach - 1, reportsEach).getTime()),
      at.column(end),
      appVersion,
      who.platform,
      who.deploymentMode,
      who.countryCode,
      last.fleet.printerCount,
      JSON.stringify(last.fleet.printerTypes),
      JSON.stringify(last.features),
      errorCount,
    ]);
    for (const week of perWeek.values()) rows.weeks.push(week);
  }
  return rows;
}

/** Rows of one table ready for its bulk statement: a JSON array of row arrays (SQLite's json_each) or COPY text (PostgreSQL). */
export type EncodedRows = Record<keyof FleetRows, string>;

/** COPY's text format: tab-separated, \N for null; backslash, tab and newlines escaped. */
function copyText(rows: unknown[][]): string {
  const field = (v: unknown) => {
    if (v === null || v === undefined) return '\\N';
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!) : s;
  };
  let out = '';
  for (const row of rows) out += `${row.map(field).join('\t')}\n`;
  return out;
}

export function encodeRows(kind: DatabaseKind, rows: FleetRows): EncodedRows {
  const encode = kind === 'sqlite' ? (r: unknown[][]) => JSON.stringify(r) : copyText;
  return { installations: encode(rows.installations), weeks: encode(rows.weeks), reports: encode(rows.reports) };
}
