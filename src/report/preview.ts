import type { EntityManager } from '@mikro-orm/core';

import type { Clock } from '../../common/clock.js';
import type { UsageReport } from '../../common/report/contract.js';
import type { LocalConfig } from '../config.js';
import { Submission } from '../entities/submission.entity.js';
import type { InstallationEnvironment } from '../services/installation.js';
import { loadSettings } from '../services/settings.js';
import { buildReport, PLACEHOLDER_ID, type FleetProvider } from './builder.js';
import { nextReportEvents, nextReportWindow } from './period.js';

export interface PreviewDeps {
  em: EntityManager;
  clock: Clock;
  config: Pick<LocalConfig, 'submissionIntervalDays'>;
  environment: InstallationEnvironment;
  fleet: FleetProvider;
}

/**
 * The next report exactly as it would be sent, without storing or sending anything: a pending report
 * as stored, otherwise the report as the outbox would build it now (the same window, the same
 * `nextReportEvents`). A report not yet built has a placeholder reportId (and, before the first
 * opt-in, installationId): real ids are drawn when it is built.
 */
export async function previewReport({ em, clock, config, environment, fleet }: PreviewDeps): Promise<UsageReport> {
  // A report already built and waiting is, exactly, the next one sent.
  const [pending] = await em.find(Submission, { status: 'PENDING' }, { orderBy: [{ periodEnd: 'asc' }, { createdAt: 'asc' }], limit: 1 });
  if (pending) return pending.payload as UsageReport;
  const settings = await loadSettings(em);
  const now = clock.now();
  const window = await nextReportWindow(em, settings, now, config.submissionIntervalDays);
  return buildReport({ em, settings, environment, window, reportId: PLACEHOLDER_ID, events: nextReportEvents(window), now, fleet });
}
