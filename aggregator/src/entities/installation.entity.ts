import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import type { UsageReport } from '../../../common/report/contract.js';

/**
 * One reporting installation: the hash of its secret (trust on first use) and the state of its
 * latest report, which every distribution in statsSummary reads instead of scanning reports.
 */
export const Installation = defineEntity({
  name: 'Installation',
  tableName: 'installation',
  properties: {
    id: p.string().length(36).primary(),
    secretHash: p.string().length(64),
    firstReportAt: p.datetime(),
    lastReportAt: p.datetime().index(),
    latestPeriodEnd: p.datetime(),
    appVersion: p.string().length(32),
    platform: p.string().length(16),
    deploymentMode: p.string().length(16),
    countryCode: p.string().length(2).nullable(),
    printerCount: p.integer(),
    printerTypes: p.json<UsageReport['fleet']['printerTypes']>(),
    features: p.json<UsageReport['features']>(),
    errorCount: p.integer(),
  },
});
export type Installation = InferEntity<typeof Installation>;
