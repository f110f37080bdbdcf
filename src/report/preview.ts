import type { EntityManager } from '@mikro-orm/core';

import type { LocalServices } from '../services/index.js';
import { loadSettings } from '../services/settings.js';
import { buildReport, PLACEHOLDER_ID } from './builder.js';
import type { UsageReport } from './contract.js';
import { nextReportWindow } from './period.js';

/**
 * The next report exactly as it would be built now, without storing or sending anything. Its
 * reportId (and, before the first opt-in, its installationId) is a placeholder: real ids are drawn
 * when the report is built.
 */
export async function previewReport(services: LocalServices, em: EntityManager): Promise<UsageReport> {
  const settings = await loadSettings(em);
  const now = services.clock.now();
  const window = await nextReportWindow(em, settings, now, services.config.submissionIntervalDays);
  return buildReport({ em, kind: services.kind, settings, environment: services.environment, window, reportId: PLACEHOLDER_ID, now, fleet: services.fleet });
}
