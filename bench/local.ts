/**
 * npx tsx bench/local.ts: the local API's two goals of issue 10, on a SQLite file (as users run it)
 * and on PostgreSQL when it answers.
 *
 * (a) reportPreview over 1M local events vs the raw SQL it needs (the same aggregate queries, run
 *     by the plain driver): goal ≤ 1.5×. The events are seeded in bulk, after a sample of them was
 *     checked to equal what recordUsageEvents writes for the same inputs.
 * (b) recordUsageEvents in batches of 500 vs the same rows inserted in one transaction by the plain
 *     driver (a prepared statement on SQLite, one multi-row insert on PostgreSQL): goal ≥ 0.5× on SQLite.
 *
 * Sizes: BENCH_LOCAL_EVENTS (default 1,000,000), BENCH_LOCAL_WRITES (default 20,000).
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

import { DAY_MS, ManualClock } from '../common/clock.js';
import type { DatabaseKind } from '../common/db.js';
import type { UsageReport } from '../common/report/contract.js';
import { validateEvent, type UsageEventInput, type UsageEventRow } from '../src/services/events.js';
import { BENCH_NOW, startLocalApp, type BenchLocalApp } from './lib/apps.js';
import { postgresAnswers } from './lib/databases.js';
import { openRawSql, type RawSql } from './lib/raw-sql.js';
import type { BenchRow } from './lib/row.js';

const EVENTS = Number(process.env.BENCH_LOCAL_EVENTS ?? 1_000_000);
const WRITES = Number(process.env.BENCH_LOCAL_WRITES ?? 20_000);
const BATCH = 500;
const SEED_CHUNK = 50_000;
const RECORD = `mutation($e: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $e }) { recordedCount } }`;
const PREVIEW = `{ reportPreview { json } }`;

const COLUMNS = [
  'type',
  'occurred_at',
  'printer_type',
  'duration_minutes',
  'file_size_centi_mb',
  'auto_created',
  'error_type',
  'component',
  'feature',
  'report_id',
  'created_at',
] as const;

// The report window of an opt-in at BENCH_NOW with the default 7-day interval: [floor, end).
const END = Date.parse(BENCH_NOW.slice(0, 10));
const FLOOR = END - 7 * DAY_MS;

const PRINTERS = ['bambu_lab', 'prusa'];
const ERRORS = ['nozzle_clog', 'bed_adhesion', 'connection_lost', 'thermal_runaway', 'filament_runout'];
const COMPONENTS = ['extruder', 'bed', 'network', null];
const FEATURES = ['timelapse', 'auto_archive', 'notifications', 'camera', 'queue', 'material_tracking', 'cost_tracking', 'backups'];

/** Event number i of a plausible mix (mostly jobs), spread evenly over `span` ms before `before`. */
function eventInput(i: number, n: number, before = END, span = END - FLOOR): UsageEventInput {
  const occurredAt = new Date(before - span + Math.floor((i * span) / n));
  const printerType = PRINTERS[i % 2];
  const k = i % 20;
  if (k < 6) return { type: 'JOB_CREATED', occurredAt, printerType, autoCreated: i % 3 === 0 };
  if (k < 10) return { type: 'JOB_COMPLETED', occurredAt, printerType, durationSeconds: 600 + (i % 7200) };
  if (k === 10) return { type: 'JOB_FAILED', occurredAt, printerType, durationSeconds: i % 3600 };
  if (k === 11) return { type: 'JOB_CANCELLED', occurredAt, printerType };
  if (k < 14) return { type: 'FILE_DOWNLOADED', occurredAt, fileSizeBytes: (i % 1000) * 123_457 };
  if (k === 14) return { type: 'FILE_UPLOADED', occurredAt, fileSizeBytes: (i % 700) * 98_765 };
  if (k === 15) return { type: 'PRINTER_CONNECTED', occurredAt, printerType };
  if (k === 16) return { type: 'PRINTER_DISCONNECTED', occurredAt, printerType };
  if (k === 17) return { type: 'ERROR_OCCURRED', occurredAt, printerType, errorType: ERRORS[i % 5], component: COMPONENTS[i % 4] };
  if (k === 18) return { type: 'APP_START', occurredAt };
  return { type: i % 40 === 19 ? 'FEATURE_ENABLED' : 'FEATURE_DISABLED', occurredAt, feature: FEATURES[i % 8] };
}

/** What recordUsageEvents stores for an input: the app's own reduction, as one row of COLUMNS' values. */
function storedValues(kind: DatabaseKind, row: UsageEventRow, createdAt: Date): unknown[] {
  const at = (d: Date) => (kind === 'sqlite' ? d.getTime() : d.toISOString());
  const bool = (b: boolean | null) => (b === null || kind === 'postgresql' ? b : b ? 1 : 0);
  return [
    row.type,
    at(row.occurredAt),
    row.printerType,
    row.durationMinutes,
    row.fileSizeCentiMb,
    bool(row.autoCreated),
    row.errorType,
    row.component,
    row.feature,
    null,
    at(createdAt),
  ];
}

/** Many rows in one statement: a JSON array unpacked by SQLite, typed arrays unnested by PostgreSQL. */
async function insertMany(raw: RawSql, values: unknown[][]): Promise<void> {
  if (raw.kind === 'sqlite') {
    const picks = COLUMNS.map((_, c) => `json_extract(value, '$[${c}]')`).join(', ');
    await raw.run(`insert into usage_event (${COLUMNS.join(', ')}) select ${picks} from json_each(?)`, [JSON.stringify(values)]);
    return;
  }
  const types = ['text', 'timestamptz', 'text', 'int', 'int', 'boolean', 'text', 'text', 'text', 'text', 'timestamptz'];
  const arrays = COLUMNS.map((_, c) => values.map((v) => v[c]));
  await raw.run(`insert into usage_event (${COLUMNS.join(', ')}) select * from unnest(${types.map((t) => `?::${t}[]`).join(', ')})`, arrays);
}

async function seed(raw: RawSql, kind: DatabaseKind, n: number): Promise<void> {
  const clock = new ManualClock(BENCH_NOW);
  const now = clock.now();
  for (let start = 0; start < n; start += SEED_CHUNK) {
    const values: unknown[][] = [];
    for (let i = start; i < Math.min(n, start + SEED_CHUNK); i++) values.push(storedValues(kind, validateEvent(eventInput(i, n), clock), now));
    await raw.run('begin');
    await insertMany(raw, values);
    await raw.run('commit');
  }
}

type Stored = Record<string, unknown>;
const rowsById = (raw: RawSql, ids: number[]) =>
  raw.all<Stored>(`select ${COLUMNS.join(', ')}, id from usage_event where id in (${ids.map(() => '?').join(', ')}) order by id`, ids);

/**
 * Records a sample of the seeded inputs through recordUsageEvents and checks each stored row equals
 * the seeded row of the same input, column by column (only the id differs). Throws otherwise.
 */
async function checkSample(t: BenchLocalApp, raw: RawSql, n: number): Promise<void> {
  const sample = Array.from({ length: 40 }, (_, j) => j * Math.floor(n / 40) + (j % 20));
  const [{ top }] = await raw.all<{ top: unknown }>('select max(id) as top from usage_event');
  const before = Number(top);
  await t.ok(RECORD, { e: sample.map((i) => eventInput(i, n)) });
  const written = await raw.all<Stored>(`select ${COLUMNS.join(', ')}, id from usage_event where id > ? order by id`, [before]);
  const seeded = await rowsById(
    raw,
    sample.map((i) => i + 1),
  );
  const strip = ({ id: _id, ...rest }: Stored) => rest;
  if (written.length !== sample.length || seeded.length !== sample.length) throw new Error(`sample: ${written.length} written, ${seeded.length} seeded`);
  for (const [j, row] of written.entries()) {
    if (!isDeepStrictEqual(strip(row), strip(seeded[j]))) {
      throw new Error(`seeded row differs from what recordUsageEvents writes:\n${JSON.stringify(seeded[j])}\n${JSON.stringify(row)}`);
    }
  }
  // Out of the measured data again: the preview and the raw SQL then count exactly the seeded events.
  await raw.run('delete from usage_event where id > ?', [before]);
}

const WINDOW = 'report_id is null and occurred_at >= ? and occurred_at < ?';

/** The SQL a preview needs over the events, as the plain driver runs it: counts by type, errors, feature states. */
async function rawReport(raw: RawSql, log?: (line: string) => void) {
  const at = (ms: number) => (raw.kind === 'sqlite' ? ms : new Date(ms));
  let lap = performance.now();
  const split = (what: string) => {
    const now = performance.now();
    log?.(`${raw.kind}: raw ${what} ${(now - lap).toFixed(0)} ms`);
    lap = now;
  };
  const byType = await raw.all<{ type: string; n: unknown }>(`select type, count(*) as n from usage_event where ${WINDOW} group by type`, [at(FLOOR), at(END)]);
  split('counts by type');
  const errors = await raw.all<{ error_type: string; component: string | null; n: unknown }>(
    `select error_type, component, count(*) as n from usage_event where ${WINDOW} and type = 'ERROR_OCCURRED' group by error_type, component`,
    [at(FLOOR), at(END)],
  );
  split('error counts');
  const features = await raw.all<{ feature: string; type: string }>(
    `select feature, type from (
       select feature, type, row_number() over (partition by feature order by occurred_at desc, id desc) as latest
       from usage_event where type in ('FEATURE_ENABLED', 'FEATURE_DISABLED') and occurred_at < ?) toggles
     where latest = 1 order by feature`,
    [at(END)],
  );
  split('feature states');
  return { byType, errors, features };
}

/** The preview must say what the raw SQL says, or the two timings would not measure the same work. */
function checkPreview(report: UsageReport, raw: Awaited<ReturnType<typeof rawReport>>): void {
  const count = (type: string) => Number(raw.byType.find((r) => r.type === type)?.n ?? 0);
  const expected = {
    jobsCreated: count('JOB_CREATED'),
    jobsCompleted: count('JOB_COMPLETED'),
    jobsFailed: count('JOB_FAILED'),
    jobsCancelled: count('JOB_CANCELLED'),
    filesDownloaded: count('FILE_DOWNLOADED'),
    filesUploaded: count('FILE_UPLOADED'),
    appStarts: count('APP_START'),
  };
  const { uptimeHours: _u, ...usage } = report.usage;
  const key = (e: { errorType: string; component: string | null }) => `${e.errorType}/${e.component ?? ''}`;
  const errors = raw.errors.map((r) => `${key({ errorType: r.error_type, component: r.component })}=${Number(r.n)}`).sort();
  const reportedErrors = report.errors.map((e) => `${key(e)}=${e.count}`).sort();
  const features = raw.features.map((r) => ({ feature: r.feature, enabled: r.type === 'FEATURE_ENABLED' }));
  if (!isDeepStrictEqual(usage, expected) || !isDeepStrictEqual(errors, reportedErrors) || !isDeepStrictEqual(report.features, features)) {
    throw new Error(`preview and raw SQL disagree: ${JSON.stringify({ usage, expected, errors, reportedErrors, features, reported: report.features })}`);
  }
}

async function samples(times: number, run: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    out.push(performance.now() - start);
  }
  return out;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const grouped = (n: number) => n.toLocaleString('en-US');

async function previewGoal(kind: DatabaseKind, log: (line: string) => void): Promise<BenchRow> {
  const t = await startLocalApp(kind);
  const raw = await openRawSql(kind, t.url);
  try {
    await t.ok(`mutation { optInUsageStatistics(input: { shareCountry: false }) { usageSettings { consent } } }`);
    let start = performance.now();
    await seed(raw, kind, EVENTS);
    log(`${kind}: seeded ${grouped(EVENTS)} events in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    await checkSample(t, raw, EVENTS);
    if (kind === 'postgresql') await raw.run('analyze usage_event');
    start = performance.now();
    const preview = (await t.ok(PREVIEW)) as { reportPreview: { json: UsageReport } };
    log(`${kind}: first preview ${(performance.now() - start).toFixed(0)} ms`);
    checkPreview(preview.reportPreview.json, await rawReport(raw, log));
    // Interleaved, so that neither side gets a warmer cache or a quieter machine.
    const app: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < 7; i++) {
      app.push(...(await samples(1, () => t.ok(PREVIEW))));
      plain.push(...(await samples(1, () => rawReport(raw))));
    }
    const a = median(app);
    const b = median(plain);
    return {
      part: 'local',
      database: kind,
      measure: `reportPreview over ${grouped(EVENTS)} events vs the raw SQL it needs (median of 7)`,
      baseline: `${b.toFixed(0)} ms`,
      measured: `${a.toFixed(0)} ms`,
      ratio: a / b,
      goal: '≤ 1.5×',
      met: a / b <= 1.5,
    };
  } finally {
    await raw.close();
    await t.close();
  }
}

/** The same rows, one transaction, plain driver: a prepared statement per row on SQLite, one multi-row insert on PostgreSQL. */
async function rawInsert(raw: RawSql, kind: DatabaseKind, values: unknown[][]): Promise<void> {
  if (kind === 'sqlite') {
    await raw.runEach(`insert into usage_event (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`, values);
    return;
  }
  await raw.run('begin');
  await insertMany(raw, values);
  await raw.run('commit');
}

async function writeGoal(kind: DatabaseKind): Promise<BenchRow> {
  const t = await startLocalApp(kind);
  const raw = await openRawSql(kind, t.url);
  try {
    const clock = new ManualClock(BENCH_NOW);
    const inputs = Array.from({ length: WRITES }, (_, i) => eventInput(i, WRITES));
    const values = inputs.map((input) => storedValues(kind, validateEvent(input, clock), clock.now()));
    const viaApi = async () => {
      for (let i = 0; i < WRITES; i += BATCH) await t.ok(RECORD, { e: inputs.slice(i, i + BATCH) });
    };
    await viaApi(); // warm-up: the first rows, JIT, statement caches
    await rawInsert(raw, kind, values);
    const app: number[] = [];
    const plain: number[] = [];
    for (let round = 0; round < 3; round++) {
      app.push(...(await samples(1, viaApi)));
      plain.push(...(await samples(1, () => rawInsert(raw, kind, values))));
    }
    const rate = (ms: number) => WRITES / (ms / 1000);
    const a = rate(median(app));
    const b = rate(median(plain));
    return {
      part: 'local',
      database: kind,
      measure: `recordUsageEvents, ${grouped(WRITES)} events in batches of ${BATCH}, vs one raw transaction (events/s, median of 3)`,
      baseline: `${grouped(Math.round(b))}/s`,
      measured: `${grouped(Math.round(a))}/s`,
      ratio: a / b,
      goal: kind === 'sqlite' ? '≥ 0.5×' : '(none; SQLite only)',
      met: kind === 'sqlite' ? a / b >= 0.5 : true,
    };
  } finally {
    await raw.close();
    await t.close();
  }
}

export async function benchLocal(o: { db: DatabaseKind; log?: (line: string) => void }): Promise<BenchRow[]> {
  const log = o.log ?? ((line: string) => console.error(line));
  return [await previewGoal(o.db, log), await writeGoal(o.db)];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kinds: DatabaseKind[] = (await postgresAnswers()) ? ['sqlite', 'postgresql'] : ['sqlite'];
  const only = process.env.BENCH_DB as DatabaseKind | undefined;
  for (const db of only ? [only] : kinds) {
    for (const r of await benchLocal({ db })) {
      console.log(`| ${r.database} | ${r.measure} | ${r.baseline} | ${r.measured} | ${r.ratio.toFixed(2)}× | ${r.goal} | ${r.met ? 'met' : 'NOT met'} |`);
    }
  }
}
