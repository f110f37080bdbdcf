import { createJob, type Job } from '../../../common/scheduler.js';
import { checkAnomalies } from '../alerts/check.js';
import { Notifier } from '../alerts/notifier.js';
import { CLAIM_PENDING, CLAIM_WEEK, MARK_PENDING } from '../alerts/state.js';
import { weeklyNotice } from '../reports/render.js';
import { buildWeeklyReport, weekOf } from '../reports/weekly.js';
import type { AggregatorServices } from '../services.js';

export interface OperatorJob extends Job {
  notifier: Notifier;
}

/**
 * Sends the weekly report of the last full ISO week once (whichever instance claims its row first);
 * a failed send is retried by the next run. Returns whether this run sent it.
 */
export async function sendWeeklyReport(s: AggregatorServices, notifier: Notifier, signal?: AbortSignal): Promise<boolean> {
  const em = s.orm.em.fork();
  const now = s.clock.now();
  const key = `weekly:${weekOf(now)}`;
  if (!(await CLAIM_WEEK.run(em, { key, now })) && !(await CLAIM_PENDING.run(em, { key }))) return false;
  const report = await buildWeeklyReport({ em, kind: s.kind, summary: s.summary, k: s.config.kAnonymity, now });
  if (await notifier.send(weeklyNotice(report), signal)) return true;
  await MARK_PENDING.run(em, { key });
  return false;
}

/**
 * The operator's job (README "Alerts"): every AGGREGATOR_ANOMALY_CHECK_SECONDS it runs the anomaly
 * rules and notifies changes, then sends the weekly report when one is due. Off at 0.
 */
export function createOperatorJob(s: AggregatorServices): OperatorJob {
  const o = s.config.operator;
  const notifier = new Notifier(o, s.logger, s.metrics);
  const intervalMs = Math.max(1, o.checkSeconds) * 1000;
  const job = createJob({
    name: 'operator-notices',
    initialDelayMs: Math.min(intervalMs, 30_000),
    intervalMs,
    logger: s.logger,
    clock: s.clock,
    run: async (signal) => {
      await checkAnomalies({ orm: s.orm, kind: s.kind, clock: s.clock, metrics: s.metrics, notifier, logger: s.logger, signal });
      if (o.weeklyReport && notifier.enabled) await sendWeeklyReport(s, notifier, signal);
    },
  });
  return {
    notifier,
    runNow: () => job.runNow(),
    health: () => job.health(),
    start: () => {
      if (o.checkSeconds > 0) job.start();
    },
    async stop() {
      await job.stop();
      notifier.close();
    },
  };
}
