/**
 * A synthetic fleet for the summary bench: installation i sends `reportsEach` weekly reports, the
 * last one `shift(i)` days before BENCH_NOW. Rows are built here exactly as the ingest path would
 * store them (same columns, same hashes) and inserted in bulk: one JSON array per statement,
 * unpacked by the database (json_each on SQLite, jsonb_to_recordset on PostgreSQL).
 * `bench/summary.ts` checks a sample of these rows against what submitReport really writes.
 */
import { createHash } from 'node:crypto';

import pg from 'pg';
import sqlite3 from 'sqlite3';

import { DAY_MS } from '../../common/clock.js';
import type { DatabaseKind } from '../../common/db.js';
import type { UsageReport } from '../../common/report/contract.js';
import { hashSecret } from '../../aggregator/src/auth.js';
import { isoWeekStart } from '../../aggregator/src/week.js';

export const FLEET_NOW = Date.parse('2026-11-28T12:00:00.000Z');
const VERSIONS = ['2.42.0', '2.42.0', '2.42.0', '2.41.0', '2.41.0', '2.40.1', '2.39.0', '2.38.5'];
const PLATFORMS = ['LINUX', 'LINUX', 'LINUX', 'MACOS', 'WINDOWS', 'OTHER'] as const;
const MODES = ['HOME_ASSISTANT', 'DOCKER', 'DOCKER', 'RASPBERRY_PI', 'STANDALONE'] as const;
const COUNTRIES = ['DE', 'DE', 'US', 'FR', 'GB', 'NL', 'AT', 'CH', 'IT', 'ES', null] as const;
const MODELS = [
  ['bambu_lab', 'P1S'],
  ['bambu_lab', 'X1C'],
  ['bambu_lab', 'A1 mini'],
  ['prusa', 'MK4S'],
  ['prusa', 'MK3.5'],
  ['octoprint', 'other'],
] as const;
const FEATURES = ['timelapse', 'auto_download', 'notifications', 'thumbnails'];

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
export const installationIdOf = (i: number) => `00000000-0000-4000-8000-${hex(i, 12)}`;
const reportIdOf = (i: number, j: number) => `10000000-0000-4000-8000-${hex(i * 1000 + j, 12)}`;
export const secretOf = (id: string) => `bench-secret-${id}`;

/** Every tenth installation stopped reporting 40 days ago: it is not active. */
const shift = (i: number) => (i % 10 === 0 ? 40 : 0);

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

type Row = Record<string, unknown>;

interface Table {
  name: string;
  /** Column name and PostgreSQL type, in insert order. */
  columns: [string, string][];
}

const INSTALLATION: Table = {
  name: 'installation',
  columns: [
    ['id', 'text'],
    ['secret_hash', 'text'],
    ['first_report_at', 'timestamptz'],
    ['last_report_at', 'timestamptz'],
    ['latest_period_end', 'timestamptz'],
    ['app_version', 'text'],
    ['platform', 'text'],
    ['deployment_mode', 'text'],
    ['country_code', 'text'],
    ['printer_count', 'int'],
    ['printer_types', 'jsonb'],
    ['features', 'jsonb'],
    ['error_count', 'int'],
  ],
};
const WEEK: Table = {
  name: 'installation_week',
  columns: [
    ['week_start', 'text'],
    ['installation_id', 'text'],
    ['reports', 'int'],
    ['jobs_completed', 'int'],
    ['errors', 'int'],
  ],
};
const REPORT: Table = {
  name: 'report',
  columns: [
    ['id', 'text'],
    ['installation_id', 'text'],
    ['received_at', 'timestamptz'],
    ['schema_version', 'int'],
    ['period_start', 'timestamptz'],
    ['period_end', 'timestamptz'],
    ['payload_hash', 'text'],
    ['payload', 'jsonb'],
  ],
};

/** One statement inserting every row of a JSON array; dates travel as epoch ms (SQLite) or ISO text. */
function insertSql(kind: DatabaseKind, t: Table): string {
  const names = t.columns.map(([c]) => c).join(', ');
  if (kind === 'postgresql')
    return `insert into ${t.name} (${names}) select * from jsonb_to_recordset(?::jsonb) as x(${t.columns.map(([c, type]) => `${c} ${type}`).join(', ')})`;
  const pick = t.columns.map(([c, type]) => (type === 'jsonb' ? `json(value -> '$.${c}')` : `value ->> '$.${c}'`)).join(', ');
  return `insert into ${t.name} (${names}) select ${pick} from json_each(?)`;
}

/** All rows of installations [from, to), as submitReport would have left them after every report. */
function rowsOf(kind: DatabaseKind, from: number, to: number, reportsEach: number) {
  const date = (d: Date | number) => (kind === 'sqlite' ? new Date(d).getTime() : new Date(d).toISOString());
  const installations: Row[] = [];
  const weeks: Row[] = [];
  const reports: Row[] = [];
  for (let i = from; i < to; i++) {
    const id = installationIdOf(i);
    const perWeek = new Map<string, Row>();
    let last: UsageReport | null = null;
    for (let j = 0; j < reportsEach; j++) {
      const r = fleetReport(i, j, reportsEach);
      const at = receivedAt(i, j, reportsEach);
      const errors = r.errors.reduce((n, e) => n + e.count, 0);
      reports.push({
        id: r.reportId,
        installation_id: id,
        received_at: date(at),
        schema_version: r.schemaVersion,
        period_start: date(Date.parse(r.period.start)),
        period_end: date(Date.parse(r.period.end)),
        payload_hash: fastCanonicalHash(r),
        payload: r,
      });
      const weekStart = isoWeekStart(at);
      const w = perWeek.get(weekStart) ?? { week_start: weekStart, installation_id: id, reports: 0, jobs_completed: 0, errors: 0 };
      w.reports = (w.reports as number) + 1;
      w.jobs_completed = (w.jobs_completed as number) + r.usage.jobsCompleted;
      w.errors = (w.errors as number) + errors;
      perWeek.set(weekStart, w);
      last = r;
    }
    const r = last!;
    installations.push({
      id,
      secret_hash: hashSecret(secretOf(id)),
      first_report_at: date(receivedAt(i, 0, reportsEach)),
      last_report_at: date(receivedAt(i, reportsEach - 1, reportsEach)),
      latest_period_end: date(Date.parse(r.period.end)),
      app_version: r.installation.appVersion,
      platform: r.installation.platform,
      deployment_mode: r.installation.deploymentMode,
      country_code: r.installation.countryCode,
      printer_count: r.fleet.printerCount,
      printer_types: r.fleet.printerTypes,
      features: r.features,
      error_count: r.errors.reduce((n, e) => n + e.count, 0),
    });
    weeks.push(...perWeek.values());
  }
  return { installations, weeks, reports };
}

/**
 * canonicalHash's value (keys sorted at every level, then SHA-256) without its intermediate
 * objects: about ten times faster, which a million reports need. The sample check proves equality.
 */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
const fastCanonicalHash = (v: unknown) => createHash('sha256').update(canonicalJson(v)).digest('hex');

/** A raw connection for bulk inserts, beside the service's own (no ORM formatting of megabyte parameters). */
export interface RawDatabase {
  /** Runs one statement with a single parameter, `?` in the text. */
  run(text: string, param?: string): Promise<void>;
  close(): Promise<void>;
}

export async function openRaw(kind: DatabaseKind, url: string): Promise<RawDatabase> {
  if (kind === 'postgresql') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return {
      run: async (text, param) => void (await client.query(text.replace('?', '$1'), param === undefined ? [] : [param])),
      close: () => client.end(),
    };
  }
  const db = new sqlite3.Database(url.replace(/^sqlite:/, ''));
  const call = (method: 'run' | 'close', ...args: unknown[]) =>
    new Promise<void>((resolve, reject) => (db[method] as (...a: unknown[]) => void)(...args, (err: Error | null) => (err ? reject(err) : resolve())));
  return { run: (text, param) => call('run', text, param === undefined ? [] : [param]), close: () => call('close') };
}

/** Inserts installations [from, to) with `reportsEach` reports each, one transaction per chunk of installations. */
export async function seedFleet(db: RawDatabase, kind: DatabaseKind, o: { from?: number; to: number; reportsEach: number; chunk?: number }): Promise<void> {
  const chunk = o.chunk ?? 2000;
  const statements = { installations: insertSql(kind, INSTALLATION), weeks: insertSql(kind, WEEK), reports: insertSql(kind, REPORT) };
  for (let start = o.from ?? 0; start < o.to; start += chunk) {
    const rows = rowsOf(kind, start, Math.min(o.to, start + chunk), o.reportsEach);
    await db.run('begin');
    for (const key of ['installations', 'weeks', 'reports'] as const) await db.run(statements[key], JSON.stringify(rows[key]));
    await db.run('commit');
  }
}
