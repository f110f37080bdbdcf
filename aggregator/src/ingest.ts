import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { GraphQLError } from 'graphql';

import { canonicalJson, sha256 } from '../../common/canonical.js';
import { withReadConnection } from '../../common/driver.js';
import { scrubbedError } from '../../common/logger.js';
import { implausibility, usageReportSchema, type UsageReport } from '../../common/report/contract.js';
import { column, sql } from '../../common/typed-sql.js';
import { failedAuth, isAuthRefusal, refuseLockedOut } from './auth-limit.js';
import { hashSecret, matchesAny, safeEqual } from './auth.js';
import { Installation, InstallationWeek, Report } from './entities/index.js';
import { AuthError, IngestError } from './errors.js';
import { storeReport, type ToStore } from './ingest-store.js';
import type { LimitResult } from './rate-limit.js';
import type { AggregatorServices } from './services.js';
import { INVALIDATE_SUMMARY } from './summary-store.js';

// Kept where callers found it before it moved to common/canonical.ts.
export { canonicalHash } from '../../common/canonical.js';

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
  const payload = canonicalJson(report);
  const payloadHash = sha256(payload);

  // One read for both checks. A report or installation being stored meanwhile is caught when it is stored.
  const seen = await withReadConnection(em, s.kind, (c) => SECRET_AND_STORED_REPORT.oneOn(c, { installationId, reportId: report.reportId }));
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
    result = await storeNew(s, em, { report, secretHash, payload, payloadHash, receivedAt: s.clock.now() });
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
