import { createHash } from 'node:crypto';

import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { GraphQLError } from 'graphql';

import { scrubbedError } from '../../common/logger.js';
import { implausibility, usageReportSchema, type UsageReport } from '../../common/report/contract.js';
import { column, fragment, sql } from '../../common/typed-sql.js';
import { failedAuth, isAuthRefusal, refuseLockedOut } from './auth-limit.js';
import { hashSecret, matchesAny, safeEqual } from './auth.js';
import { Installation, InstallationWeek, Report } from './entities/index.js';
import { AuthError, IngestError } from './errors.js';
import type { LimitResult } from './rate-limit.js';
import type { AggregatorServices } from './services.js';
import { INVALIDATE_SUMMARY } from './summary-store.js';
import { isoWeekStart } from './week.js';

export interface SubmitResult {
  reportId: string;
  installationId: string;
  /** The reportId was already stored with the same content: nothing was counted again. */
  duplicate: boolean;
  receivedAt: Date;
}

export interface Caller {
  apiKey: string | null;
  secret: string | null;
  address: string;
}

/** The same report always hashes the same: keys sorted at every level. */
export function canonicalHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

/**
 * Validates with the shared contract, and its dates against `now` (the aggregator's clock); the
 * error names the field and never repeats the value.
 */
export function validateReport(input: unknown, now: Date): UsageReport {
  const parsed = usageReportSchema.safeParse(input);
  if (parsed.success) {
    const wrong = implausibility(parsed.data, now);
    if (wrong) throw IngestError.invalid(wrong.path, wrong.message);
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  const problem = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
  throw IngestError.invalid(issue.path.join('.') || 'report', problem);
}

const SECRET_HASH = sql<{ installationId: string }>`select secret_hash from installation where id = ${'installationId'}`.returning({
  secret_hash: column.text,
});

/** The stored secret hash of an installation, or null when it never reported. */
async function secretHashOf(em: EntityManager, installationId: string): Promise<string | null> {
  return (await SECRET_HASH.one(em, { installationId }))?.secret_hash ?? null;
}

/**
 * submitReport: validate, authenticate (API key, then the installation secret, trusted on first
 * use), answer duplicates without spending quota, rate-limit per client address and installation,
 * then store report, latest state and weekly rollup in one transaction. A reportId stored by
 * another instance meanwhile turns into a duplicate answer, never a second count.
 */
export async function submitReport(s: AggregatorServices, em: EntityManager, input: unknown, caller: Caller): Promise<SubmitResult> {
  const report = validateReport(input, s.clock.now());
  await refuseLockedOut(s, caller.address);
  if (!matchesAny(caller.apiKey, s.config.apiKeys)) {
    // A missing key is no guess; a wrong one is.
    if (caller.apiKey) await failedAuth(s, caller.address, AuthError.noApiKey());
    throw AuthError.noApiKey();
  }
  if (!caller.secret) throw AuthError.noSecret();
  const secretHash = hashSecret(caller.secret);
  const installationId = report.installation.installationId;
  const payloadHash = canonicalHash(report);

  // One read for both checks: on SQLite every statement waits its turn on the one connection.
  const seen = await SECRET_AND_STORED_REPORT.one(em, { installationId, reportId: report.reportId });
  if (seen?.secret_hash && !safeEqual(seen.secret_hash, secretHash)) await failedAuth(s, caller.address, AuthError.wrongSecret());
  const earlier = seen && duplicateFrom(seen, report.reportId, installationId, payloadHash);
  if (earlier) return earlier;

  const limit = await s.limiter
    .consume([
      { scope: 'ip', key: caller.address, max: s.config.ratePerIp },
      { scope: 'installation', key: installationId, max: s.config.ratePerInstallation },
    ])
    .catch((err: unknown) => {
      s.logger.error({ err: scrubbedError(err) }, 'rate limiter unavailable');
      throw IngestError.unavailable();
    });
  if (limit.limited) {
    s.metrics.rateLimited.inc({ scope: limit.scope });
    throw IngestError.rateLimited(limit.scope === 'ip' ? 'address' : 'installation', limit.retryAfterSeconds);
  }

  // Only a stored new report keeps its unit: a duplicate, a refusal or a failure gives it back.
  let result: SubmitResult;
  try {
    result = await storeNew(s, em, { report, secretHash, payloadHash, receivedAt: s.clock.now() });
  } catch (err) {
    await refund(s, limit);
    // A secret that lost the race for a new installation is a wrong secret too.
    if (isAuthRefusal(err)) await failedAuth(s, caller.address, err);
    throw err;
  }
  if (result.duplicate) await refund(s, limit);
  return result;
}

async function refund(s: AggregatorServices, limit: LimitResult): Promise<void> {
  await s.limiter.refund(limit).catch((err: unknown) => s.logger.warn({ err: scrubbedError(err) }, 'rate limiter refund failed; the unit stays spent'));
}

/** Stores a new report; a copy stored meanwhile (another request, another instance) is answered as a duplicate. */
async function storeNew(s: AggregatorServices, em: EntityManager, item: ToStore): Promise<SubmitResult> {
  const { report, payloadHash } = item;
  const installationId = report.installation.installationId;
  try {
    await storeReport(s, em, item);
  } catch (raw) {
    // Raw SQL errors arrive unconverted; the driver maps them to MikroORM's exception classes.
    const err = raw instanceof Error && !(raw as GraphQLError).extensions ? em.getDriver().convertException(raw) : raw;
    if (err instanceof UniqueConstraintViolationException) {
      const stored = await duplicateOf(em, report.reportId, installationId, payloadHash);
      if (stored) return stored;
    }
    if ((err as GraphQLError).extensions?.code) throw err;
    s.logger.error({ err }, 'storing a report failed');
    throw IngestError.unavailable();
  }
  return { reportId: report.reportId, installationId, duplicate: false, receivedAt: item.receivedAt };
}

const STORED_REPORT = sql<{ reportId: string }>`select installation_id, payload_hash, received_at from report where id = ${'reportId'}`.returning({
  installation_id: column.text,
  payload_hash: column.text,
  received_at: column.date,
});

const SECRET_AND_STORED_REPORT = sql<{ installationId: string; reportId: string }>`
  select i.secret_hash, r.installation_id, r.payload_hash, r.received_at
  from (select 1 as one) probe
  left join installation i on i.id = ${'installationId'}
  left join report r on r.id = ${'reportId'}`.returning({
  secret_hash: column.nullableText,
  installation_id: column.nullableText,
  payload_hash: column.nullableText,
  received_at: column.date,
});

type StoredReport = { installation_id: string | null; payload_hash: string | null; received_at: Date | null };

/** The duplicate answer when the reportId is stored; refused when it was stored with other content or for another installation. */
function duplicateFrom(row: StoredReport, reportId: string, installationId: string, payloadHash: string): SubmitResult | null {
  if (row.installation_id === null) return null;
  if (row.installation_id !== installationId || row.payload_hash !== payloadHash) throw IngestError.reportIdReused();
  return { reportId, installationId, duplicate: true, receivedAt: row.received_at! };
}

async function duplicateOf(em: EntityManager, reportId: string, installationId: string, payloadHash: string): Promise<SubmitResult | null> {
  const row = await STORED_REPORT.one(em, { reportId });
  return row ? duplicateFrom(row, reportId, installationId, payloadHash) : null;
}

/** What an installation's latest report says, as stored on its row. */
type LatestState = {
  appVersion: string;
  platform: string;
  deploymentMode: string;
  countryCode: string | null;
  printerCount: number;
  printerTypes: string;
  features: string;
  errorCount: number;
};

// The first report inserts the installation with its secret; a later one updates the latest state
// only when its period is not older (a report delivered late must not overwrite newer state) and
// last_report_at only forwards. When the stored secret differs (two first reports raced with
// different secrets: the first one stored wins) nothing is updated and no row comes back.
// One statement instead of insert, secret read and two updates: on SQLite the one connection is
// held for the whole transaction, so every round trip in it is paid by every waiting submit.
const newer = (col: string) =>
  `${col} = case when installation.latest_period_end <= excluded.latest_period_end then excluded.${col} else installation.${col} end`;
const UPSERT_INSTALLATION = sql<LatestState & { installationId: string; secretHash: string; receivedAt: Date; periodEnd: Date }>`
  insert into installation (id, secret_hash, first_report_at, last_report_at, latest_period_end, app_version, platform, deployment_mode, country_code, printer_count, printer_types, features, error_count)
  values (${'installationId'}, ${'secretHash'}, ${'receivedAt'}, ${'receivedAt'}, ${'periodEnd'}, ${'appVersion'}, ${'platform'}, ${'deploymentMode'}, ${'countryCode'}, ${'printerCount'}, ${'printerTypes'}, ${'features'}, ${'errorCount'})
  on conflict (id) do update set
    ${fragment(['app_version', 'platform', 'deployment_mode', 'country_code', 'printer_count', 'printer_types', 'features', 'error_count', 'latest_period_end'].map(newer).join(',\n    '))},
    last_report_at = case when installation.last_report_at < excluded.last_report_at then excluded.last_report_at else installation.last_report_at end
  where installation.secret_hash = excluded.secret_hash
  returning id`.returning({ id: column.text });

const INSERT_REPORT = sql<{
  reportId: string;
  installationId: string;
  receivedAt: Date;
  schemaVersion: number;
  periodStart: Date;
  periodEnd: Date;
  payloadHash: string;
  payload: string;
}>`
  insert into report (id, installation_id, received_at, schema_version, period_start, period_end, payload_hash, payload)
  values (${'reportId'}, ${'installationId'}, ${'receivedAt'}, ${'schemaVersion'}, ${'periodStart'}, ${'periodEnd'}, ${'payloadHash'}, ${'payload'})`;

const ADD_TO_WEEK = sql<{ weekStart: string; installationId: string; jobsCompleted: number; errors: number }>`
  insert into installation_week (week_start, installation_id, reports, jobs_completed, errors) values (${'weekStart'}, ${'installationId'}, 1, ${'jobsCompleted'}, ${'errors'})
  on conflict (week_start, installation_id) do update set reports = installation_week.reports + 1,
    jobs_completed = installation_week.jobs_completed + excluded.jobs_completed, errors = installation_week.errors + excluded.errors`;

interface ToStore {
  report: UsageReport;
  secretHash: string;
  payloadHash: string;
  receivedAt: Date;
}

interface Waiting extends ToStore {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Per aggregator: the SQLite submits waiting for the next shared transaction. */
const gathering = new WeakMap<AggregatorServices, Waiting[]>();

/**
 * Stores one report in a transaction. On SQLite (one connection, so one transaction at a time)
 * the submits that arrive while a transaction runs wait together and are stored in the next one
 * (group commit): one BEGIN and COMMIT for all of them instead of each queueing for its own.
 * When a shared transaction fails, it is rolled back whole and each of its reports is stored again
 * alone, so one report's refusal (a secret race, a reportId stored meanwhile) is its own answer.
 */
function storeReport(s: AggregatorServices, em: EntityManager, item: ToStore): Promise<void> {
  if (s.kind !== 'sqlite') return em.transactional((tx) => store(tx, item));
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
    await em.transactional(async (tx) => {
      // The connection is ours: whoever comes now gathers the next batch.
      closeBatch();
      for (const item of batch) await store(tx, item);
    });
  } catch (err) {
    closeBatch();
    if (batch.length === 1) return batch[0].reject(err);
    for (const item of batch) await em.transactional((tx) => store(tx, item)).then(item.resolve, item.reject);
    return;
  }
  for (const item of batch) item.resolve();
}

async function store(tx: EntityManager, { report: r, secretHash, payloadHash, receivedAt }: ToStore): Promise<void> {
  const i = r.installation;
  const installationId = i.installationId;
  const periodEnd = new Date(r.period.end);
  const errors = r.errors.reduce((n, e) => n + e.count, 0);
  const latest: LatestState = {
    appVersion: i.appVersion,
    platform: i.platform,
    deploymentMode: i.deploymentMode,
    countryCode: i.countryCode,
    printerCount: r.fleet.printerCount,
    printerTypes: JSON.stringify(r.fleet.printerTypes),
    features: JSON.stringify(r.features),
    errorCount: errors,
  };

  if (!(await UPSERT_INSTALLATION.one(tx, { ...latest, installationId, secretHash, receivedAt, periodEnd }))) throw AuthError.wrongSecret();

  await INSERT_REPORT.run(tx, {
    reportId: r.reportId,
    installationId,
    receivedAt,
    schemaVersion: r.schemaVersion,
    periodStart: new Date(r.period.start),
    periodEnd,
    payloadHash,
    payload: JSON.stringify(r),
  });
  await ADD_TO_WEEK.run(tx, { weekStart: isoWeekStart(receivedAt), installationId, jobsCompleted: r.usage.jobsCompleted, errors });
}

/**
 * deleteInstallation: the owner's secret or the admin key. Removes reports, the installation, its
 * rollups and its rate-limit state, and invalidates the summary snapshot in the same transaction so
 * the next statsSummary anywhere no longer counts it. An unknown id answers 0, so a retried deletion completes.
 */
export async function deleteInstallation(
  s: AggregatorServices,
  em: EntityManager,
  installationId: string,
  caller: { secret: string | null; adminKey: string | null; address: string },
): Promise<number> {
  await refuseLockedOut(s, caller.address);
  const admin = s.config.adminKey !== null && caller.adminKey !== null && safeEqual(caller.adminKey, s.config.adminKey);
  if (!admin && !caller.secret) {
    if (caller.adminKey) await failedAuth(s, caller.address, AuthError.notOwner());
    throw AuthError.notOwner();
  }
  const known = await secretHashOf(em, installationId);
  if (!known) return 0;
  if (!admin && !safeEqual(known, hashSecret(caller.secret!))) await failedAuth(s, caller.address, AuthError.notOwner());
  const deleted = await em.transactional(async (tx) => {
    const reports = await tx.nativeDelete(Report, { installationId });
    await tx.nativeDelete(InstallationWeek, { installationId });
    await tx.nativeDelete(Installation, { id: installationId });
    await INVALIDATE_SUMMARY.run(tx, {});
    return reports;
  });
  await s.limiter.forget('installation', installationId);
  return deleted;
}
