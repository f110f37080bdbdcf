import type { EntityManager } from '@mikro-orm/core';

import { DAY_MS } from '../../../common/clock.js';
import { Report } from '../entities/report.entity.js';

/**
 * Deletes raw reports received more than `retentionDays` ago. The rollups and each installation's
 * latest state are aggregates and stay, so summaries do not change when raw reports expire.
 */
export async function expireReports(em: EntityManager, now: Date, retentionDays: number): Promise<number> {
  return em.nativeDelete(Report, { receivedAt: { $lt: new Date(now.getTime() - retentionDays * DAY_MS) } });
}
