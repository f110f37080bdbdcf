import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The public summary as last computed (one row, id 1), shared by every instance so they all serve
 * the same figures. `epoch` is raised in the transaction of each deleteInstallation; a body computed
 * at an older epoch (`bodyEpoch`) may still count a deleted installation and is never served.
 */
export const SummarySnapshot = defineEntity({
  name: 'SummarySnapshot',
  tableName: 'summary_snapshot',
  properties: {
    id: p.integer().primary().autoincrement(false),
    epoch: p.integer(),
    bodyEpoch: p.integer(),
    generatedAt: p.datetime().nullable(),
    /** SummarySnapshotBody as JSON text; null until first computed. */
    body: p.text().nullable(),
  },
});
export type SummarySnapshot = InferEntity<typeof SummarySnapshot>;
