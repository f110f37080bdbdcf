import type { EntityManager } from '@mikro-orm/core';

import { DAY_MS } from '../../common/clock.js';
import { Submission } from '../entities/submission.entity.js';
import { UptimeSession } from '../entities/uptime-session.entity.js';
import { UsageEvent } from '../entities/usage-event.entity.js';

/**
 * Deletes events older than the retention period that are already counted in a SENT report, and
 * uptime sessions that ended before both the cutoff and the last sent report's end. Events not yet
 * reported are kept whatever their age.
 */
export async function applyRetention(em: EntityManager, now: Date, retentionDays: number): Promise<{ events: number; sessions: number }> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  return em.transactional(async (tx) => {
    const sent = await tx.find(Submission, { status: 'SENT' }, { fields: ['id', 'periodEnd'] });
    let events = 0;
    for (let i = 0; i < sent.length; i += 500) {
      const ids = sent.slice(i, i + 500).map((s) => s.id);
      events += await tx.nativeDelete(UsageEvent, { occurredAt: { $lt: cutoff }, reportId: { $in: ids } });
    }
    const lastSentEnd = sent.reduce((max, s) => Math.max(max, s.periodEnd.getTime()), 0);
    const before = new Date(Math.min(cutoff.getTime(), lastSentEnd));
    const sessions = await tx.nativeDelete(UptimeSession, { $or: [{ endedAt: { $lt: before } }, { endedAt: null, lastSeenAt: { $lt: before } }] });
    return { events, sessions };
  });
}
