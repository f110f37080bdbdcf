import { DAY_MS, utcMidnight } from '../../common/clock.js';
import type { UsageReport } from '../../common/report/contract.js';
import { dueAt, type ReportOutbox } from '../jobs/report-outbox.js';
import { loadSettings, statisticsEnabled } from '../services/settings.js';
import { buildReport, PLACEHOLDER_ID } from './builder.js';
import type { ReportWindow } from './period.js';
import type { PreviewDeps } from './preview.js';

export interface PeriodInProgress {
  /** The latest UTC midnight: events from here on are in no report yet that could be built today. */
  start: Date;
  /** Where the report holding them ends when it goes out on time: `start` plus the interval. */
  end: Date;
  days: number;
  /** When the submission job will send that report; null while statistics are off. */
  sendsAt: Date | null;
  usage: UsageReport['usage'];
  errors: UsageReport['errors'];
}

/** The fleet is collected when a report is built; the period in progress shows counts only. */
const noFleet = async (): Promise<UsageReport['fleet']> => ({ printerCount: 0, printerTypes: [], partial: false });

/**
 * What has been recorded since the latest UTC midnight and waits for a later report than the
 * preview's: the same counting as a report (`buildReport`), over the events not yet in a report
 * from that midnight on. Without it the preview looks empty right after events are recorded.
 */
export async function periodInProgress(
  deps: PreviewDeps & { outbox: ReportOutbox; config: PreviewDeps['config'] & Parameters<typeof statisticsEnabled>[1] },
): Promise<PeriodInProgress> {
  const { em, clock, config, environment, outbox } = deps;
  const settings = await loadSettings(em);
  const now = clock.now();
  const days = config.submissionIntervalDays;
  const start = utcMidnight(now);
  const end = new Date(start.getTime() + days * DAY_MS);
  const window: ReportWindow = { start, end, days, floor: settings.reportFloor ?? start, complete: false };
  const report = await buildReport({
    em,
    settings,
    environment,
    window,
    reportId: PLACEHOLDER_ID,
    events: { reportId: null, occurredAt: { $gte: start } },
    now,
    fleet: noFleet,
  });
  const sendsAt = statisticsEnabled(settings, config) ? outbox.atCheck(dueAt(window, settings, days)) : null;
  return { start, end, days, sendsAt, usage: report.usage, errors: report.errors };
}
