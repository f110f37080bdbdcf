import type { EntityManager, MikroORM } from '@mikro-orm/core';

import { HOUR_MS, MINUTE_MS, type Clock } from '../../common/clock.js';
import { UptimeSession } from '../entities/uptime-session.entity.js';
import { UsageEvent } from '../entities/usage-event.entity.js';

export const HEARTBEAT_INTERVAL_MS = 5 * MINUTE_MS;

/**
 * Hours the host ran within [from, to): the sum of each session's overlap with the range. A
 * session without an end counts until its last heartbeat, so a crash costs at most one interval
 * and nothing is ever invented.
 */
export async function uptimeHoursBetween(em: EntityManager, from: Date | null, to: Date): Promise<number> {
  const sessions = await em.find(
    UptimeSession,
    { startedAt: { $lt: to }, ...(from ? { $or: [{ endedAt: { $gt: from } }, { endedAt: null, lastSeenAt: { $gt: from } }] } : {}) },
    { fields: ['startedAt', 'lastSeenAt', 'endedAt'] },
  );
  let ms = 0;
  for (const s of sessions) {
    const start = Math.max(s.startedAt.getTime(), from?.getTime() ?? -Infinity);
    const stop = Math.min((s.endedAt ?? s.lastSeenAt).getTime(), to.getTime());
    if (stop > start) ms += stop - start;
  }
  return ms / HOUR_MS;
}

/**
 * The host process's own uptime session: APP_START and a session at start-up, a heartbeat every
 * five minutes, APP_SHUTDOWN and the session's end on a graceful stop. Failures are logged by the
 * caller and never stop the host.
 */
export class UptimeTracker {
  #sessionId: number | null = null;
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  async start(): Promise<void> {
    const em = this.orm.em.fork();
    const now = this.clock.now();
    await em.transactional(async (tx) => {
      tx.create(UsageEvent, eventAt('APP_START', now));
      const session = tx.create(UptimeSession, { startedAt: now, lastSeenAt: now, endedAt: null });
      await tx.flush();
      this.#sessionId = session.id;
    });
  }

  /** Keeps the session current; opens a new one if the data was deleted meanwhile. */
  async beat(): Promise<void> {
    const em = this.orm.em.fork();
    const now = this.clock.now();
    const updated = this.#sessionId === null ? 0 : await em.nativeUpdate(UptimeSession, { id: this.#sessionId, endedAt: null }, { lastSeenAt: now });
    if (updated === 0) {
      const session = em.create(UptimeSession, { startedAt: now, lastSeenAt: now, endedAt: null });
      await em.flush();
      this.#sessionId = session.id;
    }
  }

  async stop(): Promise<void> {
    if (this.#sessionId === null) return;
    const em = this.orm.em.fork();
    const now = this.clock.now();
    await em.transactional(async (tx) => {
      tx.create(UsageEvent, eventAt('APP_SHUTDOWN', now));
      await tx.nativeUpdate(UptimeSession, { id: this.#sessionId! }, { lastSeenAt: now, endedAt: now });
    });
    this.#sessionId = null;
  }
}

function eventAt(type: 'APP_START' | 'APP_SHUTDOWN', now: Date) {
  return {
    type,
    occurredAt: now,
    createdAt: now,
    printerType: null,
    durationMinutes: null,
    fileSizeCentiMb: null,
    autoCreated: null,
    errorType: null,
    component: null,
    feature: null,
    reportId: null,
  };
}
