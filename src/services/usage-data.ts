import type { EntityManager, MikroORM } from '@mikro-orm/core';

import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { DeletionRequest } from '../entities/deletion-request.entity.js';
import { Submission } from '../entities/submission.entity.js';
import { UptimeSession } from '../entities/uptime-session.entity.js';
import { UsageEvent } from '../entities/usage-event.entity.js';
import type { UsageSettings } from '../entities/usage-settings.entity.js';
import { eventMetadata } from './events.js';
import { loadSettings, queueRemoteDeletion, resetIdentity } from './settings.js';

export const EXPORT_VERSION = '1';
const PAGE = 1000;

/** Everything stored about the installation's settings, except the secret. */
export function settingsExport(s: UsageSettings) {
  return {
    consent: s.consent,
    consentChangedAt: s.consentChangedAt?.toISOString() ?? null,
    consentedSchemaVersion: s.consentedSchemaVersion,
    shareCountry: s.shareCountry,
    installationId: s.installationId,
    hasInstallationSecret: s.installationSecret !== null,
    firstSeenOn: s.firstSeenOn,
    submissionSecondOfDay: s.submissionSecondOfDay,
    reportFloor: s.reportFloor?.toISOString() ?? null,
    lastSubmissionAt: s.lastSubmissionAt?.toISOString() ?? null,
  };
}

export function eventJson(e: UsageEvent) {
  return { id: String(e.id), type: e.type, occurredAt: e.occurredAt.toISOString(), metadata: eventMetadata(e), reportId: e.reportId };
}

export function submissionJson(s: Submission) {
  return {
    id: s.id,
    status: s.status,
    periodStart: s.periodStart.toISOString(),
    periodEnd: s.periodEnd.toISOString(),
    createdAt: s.createdAt.toISOString(),
    sentAt: s.sentAt?.toISOString() ?? null,
    attempts: s.attempts,
    nextAttemptAt: s.nextAttemptAt?.toISOString() ?? null,
    lastError: s.lastError,
    duplicate: s.duplicate,
    payload: s.payload,
  };
}

/**
 * The download at GET /usage-data/export: the same content as `exportUsageData`, written page by
 * page (keyset on id, a fresh EntityManager per page) so a million events never sit in memory.
 */
export function streamExport({ orm, clock, logger }: { orm: MikroORM; clock: Clock; logger: Logger }): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  async function* chunks(): AsyncGenerator<string> {
    const settings = await loadSettings(orm.em.fork());
    yield `{"exportedAt":${JSON.stringify(clock.now().toISOString())},"exportVersion":"${EXPORT_VERSION}",`;
    yield `"settings":${JSON.stringify(settingsExport(settings))},"events":[`;
    let first = true;
    for (let lastId = 0; ;) {
      const page = await orm.em.fork().find(UsageEvent, { id: { $gt: lastId } }, { orderBy: { id: 'asc' }, limit: PAGE });
      if (page.length === 0) break;
      yield (first ? '' : ',') + page.map((e) => JSON.stringify(eventJson(e))).join(',');
      first = false;
      lastId = page.at(-1)!.id;
    }
    yield '],"submissions":[';
    first = true;
    for (let lastId = ''; ;) {
      const page = await orm.em.fork().find(Submission, { id: { $gt: lastId } }, { orderBy: { id: 'asc' }, limit: 100 });
      if (page.length === 0) break;
      yield (first ? '' : ',') + page.map((s) => JSON.stringify(submissionJson(s))).join(',');
      first = false;
      lastId = page.at(-1)!.id;
    }
    yield ']}';
  }
  const it = chunks();
  // A download cancelled while a page is read (a closed browser tab, Ctrl-C in the CLI) must not enqueue into the closed stream.
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await it.next();
        if (cancelled) return;
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (err) {
        logger.error({ err }, 'usage data export failed');
        controller.error(err);
      }
    },
    async cancel() {
      cancelled = true;
      await it.return(undefined);
    },
  });
}

export type RemoteDeletionState = 'NOT_REQUESTED' | 'QUEUED' | 'DONE';

/**
 * Deletes every event, report and uptime session and resets the identity, so a new opt-in gets a
 * new id. With `deleteRemoteData`, a deletion request for the old identity is queued first.
 */
export async function deleteUsageData({ em, clock }: { em: EntityManager; clock: Clock }, deleteRemoteData: boolean) {
  const now = clock.now();
  return em.transactional(async (tx) => {
    const s = await loadSettings(tx);
    const queued = deleteRemoteData && queueRemoteDeletion(tx, s, now);
    const deletedEvents = await tx.nativeDelete(UsageEvent, {});
    const deletedSubmissions = await tx.nativeDelete(Submission, {});
    await tx.nativeDelete(UptimeSession, {});
    resetIdentity(s);
    s.consent = 'UNDECIDED';
    s.consentChangedAt = now;
    s.updatedAt = now;
    let remoteDeletion: RemoteDeletionState = 'NOT_REQUESTED';
    if (deleteRemoteData) {
      const open = queued || (await tx.count(DeletionRequest, { status: 'QUEUED' })) > 0;
      remoteDeletion = open ? 'QUEUED' : 'DONE';
    }
    return { deletedEvents, deletedSubmissions, remoteDeletion };
  });
}
