import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * One run of the host process: opened at start-up, kept current by the heartbeat, closed on a
 * graceful stop. A crashed run counts until its last heartbeat, never longer.
 */
export const UptimeSession = defineEntity({
  name: 'UptimeSession',
  tableName: 'uptime_session',
  properties: {
    id: p.integer().primary().autoincrement(),
    startedAt: p.datetime().index(),
    lastSeenAt: p.datetime(),
    endedAt: p.datetime().nullable(),
  },
});
export type UptimeSession = InferEntity<typeof UptimeSession>;
