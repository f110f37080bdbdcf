import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * Per installation and ISO week (by the day a report was received): the rollup behind `weekly`
 * and `totalReports`. Updated in the insert's transaction, deleted with the installation, and kept
 * when raw reports expire, so summaries cost the same however many reports are stored.
 */
export const InstallationWeek = defineEntity({
  name: 'InstallationWeek',
  tableName: 'installation_week',
  properties: {
    weekStart: p.string().length(10).primary(),
    installationId: p.string().length(36).primary().index(),
    reports: p.integer(),
    jobsCompleted: p.integer(),
    errors: p.integer(),
  },
});
export type InstallationWeek = InferEntity<typeof InstallationWeek>;
