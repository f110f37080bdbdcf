import { randomBytes, randomInt, randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import { DAY_MS, isoDay, utcMidnight, type Clock } from '../../common/clock.js';
import { REPORT_SCHEMA_VERSION } from '../../common/report/contract.js';
import type { LocalConfig } from '../config.js';
import { DeletionRequest } from '../entities/deletion-request.entity.js';
import { Submission } from '../entities/submission.entity.js';
import { UsageEvent } from '../entities/usage-event.entity.js';
import { UsageSettings } from '../entities/usage-settings.entity.js';

export const SETTINGS_ID = 1;

/** Creates the settings row on first start (consent UNDECIDED); later starts leave it alone. */
export async function ensureSettings(em: EntityManager, now: Date): Promise<void> {
  if (await em.count(UsageSettings, { id: SETTINGS_ID })) return;
  await em.insert(UsageSettings, {
    id: SETTINGS_ID,
    consent: 'UNDECIDED',
    consentChangedAt: null,
    consentedSchemaVersion: null,
    shareCountry: true,
    installationId: null,
    installationSecret: null,
    firstSeenOn: null,
    submissionSecondOfDay: null,
    reportFloor: null,
    lastSubmissionAt: null,
    updatedAt: now,
  });
}

export async function loadSettings(em: EntityManager): Promise<UsageSettings> {
  return em.findOneOrFail(UsageSettings, { id: SETTINGS_ID });
}

/** True only when consent is GRANTED and no kill switch is set. */
export function statisticsEnabled(s: UsageSettings, config: Pick<LocalConfig, 'killSwitch'>): boolean {
  return s.consent === 'GRANTED' && config.killSwitch === null;
}

export function settingsView(s: UsageSettings, config: Pick<LocalConfig, 'killSwitch' | 'submissionIntervalDays' | 'endpoint'>) {
  return {
    consent: s.consent,
    enabled: statisticsEnabled(s, config),
    blockedBy: config.killSwitch,
    installationId: s.installationId,
    shareCountry: s.shareCountry,
    consentedSchemaVersion: s.consentedSchemaVersion,
    currentSchemaVersion: REPORT_SCHEMA_VERSION,
    needsReconsent: s.consent === 'GRANTED' && (s.consentedSchemaVersion ?? 0) < REPORT_SCHEMA_VERSION,
    submissionIntervalDays: config.submissionIntervalDays,
    lastSubmissionAt: s.lastSubmissionAt,
    endpoint: config.endpoint,
    row: s,
  };
}
export type UsageSettingsView = ReturnType<typeof settingsView>;

/**
 * Grants consent to the current report schema. The first opt-in (or the first after a reset)
 * creates the identity: a random UUID v4, a 32-byte secret and a random time of day for submissions.
 */
export async function optIn(
  { em, clock, config }: { em: EntityManager; clock: Clock; config: Pick<LocalConfig, 'submissionIntervalDays'> },
  shareCountry: boolean,
): Promise<UsageSettings> {
  const now = clock.now();
  return em.transactional(async (tx) => {
    const s = await loadSettings(tx);
    if (!s.installationId) {
      s.installationId = randomUUID();
      s.installationSecret = randomBytes(32).toString('base64url');
      s.firstSeenOn = isoDay(now);
      s.submissionSecondOfDay = randomInt(86_400);
    }
    if (s.consent !== 'GRANTED') {
      // Consent reaches back one interval at most: the first report after opting in.
      s.reportFloor = new Date(utcMidnight(now).getTime() - config.submissionIntervalDays * DAY_MS);
      s.consentChangedAt = now;
    }
    s.consent = 'GRANTED';
    s.consentedSchemaVersion = REPORT_SCHEMA_VERSION;
    s.shareCountry = shareCountry;
    s.updatedAt = now;
    return s;
  });
}

/**
 * Sets consent to DENIED and cancels reports not yet delivered, releasing their events. With
 * `deleteRemoteData`, queues a deletion request for the current identity and resets it locally.
 */
export async function optOut({ em, clock }: { em: EntityManager; clock: Clock }, deleteRemoteData: boolean): Promise<UsageSettings> {
  const now = clock.now();
  return em.transactional(async (tx) => {
    const s = await loadSettings(tx);
    await cancelPendingSubmissions(tx);
    if (deleteRemoteData) queueRemoteDeletion(tx, s, now);
    if (s.consent !== 'DENIED') s.consentChangedAt = now;
    s.consent = 'DENIED';
    s.updatedAt = now;
    return s;
  });
}

async function cancelPendingSubmissions(em: EntityManager): Promise<void> {
  const pending = await em.find(Submission, { status: 'PENDING' }, { fields: ['id'] });
  if (pending.length === 0) return;
  const ids = pending.map((p) => p.id);
  await em.nativeUpdate(UsageEvent, { reportId: { $in: ids } }, { reportId: null });
  await em.nativeUpdate(Submission, { id: { $in: ids } }, { status: 'CANCELLED', nextAttemptAt: null });
}

/**
 * Queues a request for the aggregator to delete this identity's data, then forgets the identity.
 * False when there is no identity to delete (never opted in, or already reset).
 */
export function queueRemoteDeletion(em: EntityManager, s: UsageSettings, now: Date): boolean {
  if (!s.installationId || !s.installationSecret) return false;
  em.create(DeletionRequest, {
    installationId: s.installationId,
    installationSecret: s.installationSecret,
    status: 'QUEUED',
    createdAt: now,
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    doneAt: null,
  });
  resetIdentity(s);
  return true;
}

export function resetIdentity(s: UsageSettings): void {
  s.installationId = null;
  s.installationSecret = null;
  s.firstSeenOn = null;
  s.submissionSecondOfDay = null;
  s.reportFloor = null;
  s.lastSubmissionAt = null;
  s.consentedSchemaVersion = null;
}
