import type { EntityManager } from '@mikro-orm/core';

import { Submission } from '../entities/submission.entity.js';
import type { LocalServices } from '../services/index.js';
import { loadSettings } from '../services/settings.js';
import { buildReport, PLACEHOLDER_ID } from './builder.js';
import type { UsageReport } from '../../common/report/contract.js';
import { nextReportWindow } from './period.js';

/**
 * The next report exactly as it would be sent, without storing or sending anything: a pending report
 * as stored, otherwise the report as it would be built now. A report not yet built has a placeholder
 * reportId (and, before the first opt-in, installationId): real ids are drawn when it is built.
 */
export async function previewReport(services: LocalServices, em: EntityManager): Promise<UsageReport> {
  // A report already built and waiting is, exactly, the next one sent.
  const [pending] = await em.find(Submission, { status: 'PENDING' }, { orderBy: [{ periodEnd: 'asc' }, { createdAt: 'asc' }], limit: 1 });
  if (pending) return pending.payload as UsageReport;
  const settings = await loadSettings(em);
  const now = services.clock.now();
  const window = await nextReportWindow(em, settings, now, services.config.submissionIntervalDays);
  return buildReport({ em, settings, environment: services.environment, window, reportId: PLACEHOLDER_ID, events: 'unassigned', now, fleet: services.fleet });
}
