/**
 * Stores an accepted report: the installation's latest state (inserted by its first report, with
 * its secret), the report, and the weekly rollup, all or nothing. The statements run on the driver
 * connection itself (common/driver.ts), prepared once: on the hot path the ORM and query-builder
 * layers cost more than the statements.
 */
import type { EntityManager } from '@mikro-orm/core';

import { withDriverConnection, type DriverConnection, type DriverStatement } from '../../common/driver.js';
import type { UsageReport } from '../../common/report/contract.js';
import { column, fragment, sql } from '../../common/typed-sql.js';
import { AuthError } from './errors.js';
import type { AggregatorServices } from './services.js';
import { isoWeekStart } from './week.js';

export interface ToStore {
  report: UsageReport;
  secretHash: string;
  /** The report as canonical JSON (ingest.ts canonicalJson). */
  payload: string;
  payloadHash: string;
  receivedAt: Date;
}

/** Every value the statements bind, by name. */
interface Params {
  installationId: string;
  secretHash: string;
  receivedAt: Date;
  periodStart: Date;
  periodEnd: Date;
  appVersion: string;
  platform: string;
  deploymentMode: string;
  countryCode: string | null;
  printerCount: number;
  printerTypes: string;
  features: string;
  errorCount: number;
  reportId: string;
  schemaVersion: number;
  payloadHash: string;
  payload: string;
  weekStart: string;
  jobsCompleted: number;
}

function paramsOf({ report: r, secretHash, payload, payloadHash, receivedAt }: ToStore): Params {
  const i = r.installation;
  return {
    installationId: i.installationId,
    secretHash,
    receivedAt,
    periodStart: new Date(r.period.start),
    periodEnd: new Date(r.period.end),
    appVersion: i.appVersion,
    platform: i.platform,
    deploymentMode: i.deploymentMode,
    countryCode: i.countryCode,
    printerCount: r.fleet.printerCount,
    printerTypes: JSON.stringify(r.fleet.printerTypes),
    features: JSON.stringify(r.features),
    errorCount: r.errors.reduce((n, e) => n + e.count, 0),
    reportId: r.reportId,
    schemaVersion: r.schemaVersion,
    payloadHash,
    payload,
    weekStart: isoWeekStart(receivedAt),
    jobsCompleted: r.usage.jobsCompleted,
  };
}

// The first report inserts the installation with its secret; a later one updates the latest state
// only when its period is not older (a report delivered late must not overwrite newer state) and
// last_report_at only forwards. When the stored secret differs (two first reports raced with
// different secrets: the first one stored wins) nothing is updated and no row comes back.
const newer = (col: string) =>
  `${col} = case when installation.latest_period_end <= excluded.latest_period_end then excluded.${col} else installation.${col} end`;
const ON_CONFLICT = fragment(`on conflict (id) do update set
    ${['app_version', 'platform', 'deployment_mode', 'country_code', 'printer_count', 'printer_types', 'features', 'error_count', 'latest_period_end'].map(newer).join(',\n    ')},
    last_report_at = case when installation.last_report_at < excluded.last_report_at then excluded.last_report_at else installation.last_report_at end
  where installation.secret_hash = excluded.secret_hash`);
const WEEK_CONFLICT = fragment(`on conflict (week_start, installation_id) do update set reports = installation_week.reports + 1,
    jobs_completed = installation_week.jobs_completed + excluded.jobs_completed, errors = installation_week.errors + excluded.errors`);

/**
 * SQLite: each write is one multi-row statement for every report of the (shared) transaction: a
 * statement costs a hop to node-sqlite3's worker thread whatever its size. Rows are applied in
 * order, so two reports of one installation (or week) in a batch add up as two statements would.
 */
const INSTALLATION_ROW = sql<Params>`(${'installationId'}, ${'secretHash'}, ${'receivedAt'}, ${'receivedAt'}, ${'periodEnd'}, ${'appVersion'}, ${'platform'}, ${'deploymentMode'}, ${'countryCode'}, ${'printerCount'}, ${'printerTypes'}, ${'features'}, ${'errorCount'})`;
const REPORT_ROW = sql<Params>`(${'reportId'}, ${'installationId'}, ${'receivedAt'}, ${'schemaVersion'}, ${'periodStart'}, ${'periodEnd'}, ${'payloadHash'}, ${'payload'})`;
const WEEK_ROW = sql<Params>`(${'weekStart'}, ${'installationId'}, 1, ${'jobsCompleted'}, ${'errorCount'})`;
const SQLITE_WRITES = [
  {
    row: INSTALLATION_ROW,
    head: 'insert into installation (id, secret_hash, first_report_at, last_report_at, latest_period_end, app_version, platform, deployment_mode, country_code, printer_count, printer_types, features, error_count) values',
    tail: `${ON_CONFLICT.text} returning id`,
  },
  {
    row: REPORT_ROW,
    head: 'insert into report (id, installation_id, received_at, schema_version, period_start, period_end, payload_hash, payload) values',
    tail: '',
  },
  { row: WEEK_ROW, head: 'insert into installation_week (week_start, installation_id, reports, jobs_completed, errors) values', tail: WEEK_CONFLICT.text },
];
/** Reports per statement; a few sizes of each statement stay prepared. */
const SLICE = 32;
const texts = new Map<string, DriverStatement>();
function manyRows(w: (typeof SQLITE_WRITES)[number], n: number): DriverStatement {
  const key = `${w.head}:${n}`;
  let st = texts.get(key);
  if (!st) texts.set(key, (st = { name: `ingest_rows_${texts.size}`, text: `${w.head} ${Array.from({ length: n }, () => w.row.text).join(', ')} ${w.tail}` }));
  return st;
}

/**
 * PostgreSQL: the same three writes as one statement (data-modifying CTEs), so one round trip and
 * atomic without BEGIN/COMMIT. The report and week rows are written only when the installation
 * upsert returned its row (the secret matched); a reportId stored meanwhile fails the whole statement.
 */
const STORE_POSTGRES = sql<Params>`
  with up as (
    insert into installation (id, secret_hash, first_report_at, last_report_at, latest_period_end, app_version, platform, deployment_mode, country_code, printer_count, printer_types, features, error_count)
    values (${'installationId'}, ${'secretHash'}, ${'receivedAt'}, ${'receivedAt'}, ${'periodEnd'}, ${'appVersion'}, ${'platform'}, ${'deploymentMode'}, ${'countryCode'}, ${'printerCount'}, ${'printerTypes'}, ${'features'}, ${'errorCount'})
    ${ON_CONFLICT}
    returning id
  ), report_row as (
    insert into report (id, installation_id, received_at, schema_version, period_start, period_end, payload_hash, payload)
    select ${'reportId'}::varchar, up.id, ${'receivedAt'}::timestamptz, ${'schemaVersion'}::int, ${'periodStart'}::timestamptz, ${'periodEnd'}::timestamptz, ${'payloadHash'}::varchar, ${'payload'}::jsonb from up
  ), week_row as (
    insert into installation_week (week_start, installation_id, reports, jobs_completed, errors)
    select ${'weekStart'}::varchar, up.id, 1, ${'jobsCompleted'}::int, ${'errorCount'}::int from up
    ${WEEK_CONFLICT}
  )
  select count(*) as stored from up`.returning({ stored: column.int });

const BEGIN: DriverStatement = { name: 'ingest_begin', text: 'begin' };
const COMMIT: DriverStatement = { name: 'ingest_commit', text: 'commit' };
const ROLLBACK: DriverStatement = { name: 'ingest_rollback', text: 'rollback' };

/** Writes up to SLICE reports in the transaction the connection is in (SQLite). */
async function store(c: DriverConnection, items: readonly ToStore[]): Promise<void> {
  const params = items.map(paramsOf);
  const [installations, reports, weeks] = SQLITE_WRITES;
  const bound = (w: (typeof SQLITE_WRITES)[number]) => params.flatMap((p) => w.row.bindFor('sqlite', p));
  // A row missing means a secret did not match: the batch fails and each report is stored alone.
  if ((await c.all(manyRows(installations, items.length), bound(installations))).length !== items.length) throw AuthError.wrongSecret();
  await c.run(manyRows(reports, items.length), bound(reports));
  await c.run(manyRows(weeks, items.length), bound(weeks));
}

/** Runs `items` in one transaction on the connection: all stored, or none and the error thrown. */
async function transaction(c: DriverConnection, items: readonly ToStore[]): Promise<void> {
  await c.run(BEGIN, []);
  try {
    for (let at = 0; at < items.length; at += SLICE) await store(c, items.slice(at, at + SLICE));
  } catch (err) {
    await c.run(ROLLBACK, []).catch(() => {});
    throw err;
  }
  await c.run(COMMIT, []);
}

interface Waiting extends ToStore {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Per aggregator: the SQLite submits waiting for the next shared transaction. */
const gathering = new WeakMap<AggregatorServices, Waiting[]>();

/**
 * Stores one report. On SQLite (one connection, so one transaction at a time) the submits that
 * arrive while a transaction runs wait together and are stored in the next one (group commit): one
 * BEGIN and COMMIT for all of them instead of each queueing for its own. When a shared transaction
 * fails, it is rolled back whole and each of its reports is stored again alone, so one report's
 * refusal (a secret race, a reportId stored meanwhile) is its own answer.
 */
export function storeReport(s: AggregatorServices, em: EntityManager, item: ToStore): Promise<void> {
  if (s.kind !== 'sqlite')
    return withDriverConnection(em, s.kind, async (c) => {
      const row = await STORE_POSTGRES.oneOn(c, paramsOf(item));
      if (!row?.stored) throw AuthError.wrongSecret();
    });
  return new Promise<void>((resolve, reject) => {
    const waiting = gathering.get(s);
    if (waiting) waiting.push({ ...item, resolve, reject });
    else void commitTogether(s, em, [{ ...item, resolve, reject }]);
  });
}

async function commitTogether(s: AggregatorServices, em: EntityManager, batch: Waiting[]): Promise<void> {
  gathering.set(s, batch);
  const closeBatch = () => {
    if (gathering.get(s) === batch) gathering.delete(s);
  };
  try {
    await withDriverConnection(em, s.kind, (c) => {
      // The connection is ours: whoever comes now gathers the next batch.
      closeBatch();
      return transaction(c, batch);
    });
  } catch (err) {
    closeBatch();
    if (batch.length === 1) return batch[0].reject(err);
    for (const item of batch) await withDriverConnection(em, s.kind, (c) => transaction(c, [item])).then(item.resolve, item.reject);
    return;
  }
  for (const item of batch) item.resolve();
}
