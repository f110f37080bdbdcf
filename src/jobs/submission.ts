import { randomUUID } from 'node:crypto';

import type { EntityManager } from '@mikro-orm/core';

import { DAY_MS, MINUTE_MS } from '../../common/clock.js';
import { DeletionRequest } from '../entities/deletion-request.entity.js';
import { Submission } from '../entities/submission.entity.js';
import { UsageEvent } from '../entities/usage-event.entity.js';
import type { UsageSettings } from '../entities/usage-settings.entity.js';
import { codedError, ConsentError } from '../errors.js';
import { buildReport } from '../report/builder.js';
import { usageReportSchema } from '../../common/report/contract.js';
import { nextReportWindow, type ReportWindow } from '../report/period.js';
import type { LocalServices } from '../services/index.js';
import { loadSettings, statisticsEnabled } from '../services/settings.js';
import { DeliveryError, sendDeletion, sendReport, type ClientOptions, type Transport } from './aggregator-client.js';

export interface DeliveryOptions {
  transport: Transport;
  /** First retry backoff (2 s in production). */
  minBackoffMs: number;
  /** The longest Retry-After waited out within one run. */
  maxWaitMs: number;
  /** How long stop() lets an in-flight send finish before aborting it. */
  shutdownGraceMs: number;
  /** Per-attempt timeout; USAGE_STATS_TIMEOUT unless a test shortens it. */
  timeoutMs?: number;
}

/** After a run whose retries are exhausted: 15 min, 30 min, 1 h, … at most a day. */
export function backoffAfter(failedRuns: number): number {
  return Math.min(DAY_MS, 15 * MINUTE_MS * 2 ** Math.max(0, failedRuns - 1));
}

/**
 * When the next report is due: the period must span the interval in whole UTC days and the
 * installation's own time of day must have passed. The first report after an opt-in is due at once.
 */
export function dueAt(window: ReportWindow, settings: UsageSettings, intervalDays: number): Date {
  const first = window.start.getTime() === window.floor.getTime();
  const fullEnd = window.start.getTime() + intervalDays * DAY_MS;
  if (first) return new Date(fullEnd);
  return new Date(fullEnd + (settings.submissionSecondOfDay ?? 0) * 1000);
}

/**
 * Builds reports into the outbox and delivers them. Scheduled runs and submitUsageReport share one
 * queue, so they never overlap. Every failure is logged once per run, kept in the ledger, and never
 * thrown into the host.
 */
export class SubmissionJob {
  #queue: Promise<unknown> = Promise.resolve();
  #abort = new AbortController();
  #stopping = false;

  constructor(
    private readonly services: LocalServices,
    private readonly delivery: DeliveryOptions,
  ) {}

  #client(): ClientOptions {
    const c = this.services.config;
    return {
      endpoint: c.endpoint,
      apiKey: c.apiKey,
      transport: this.delivery.transport,
      timeoutMs: this.delivery.timeoutMs ?? c.submitTimeoutMs,
      retries: c.retryCount,
      minBackoffMs: this.delivery.minBackoffMs,
      maxWaitMs: this.delivery.maxWaitMs,
    };
  }

  /** Runs so far, from attempts: each run makes at most 1 + USAGE_STATS_RETRY_COUNT attempts. */
  #failedRuns(attempts: number): number {
    return Math.ceil(attempts / (this.services.config.retryCount + 1));
  }

  /**
   * Runs `run` when no delivery is under way. Opting out and deleting go through here, so a report
   * cannot be cancelled while its send is in flight (and then counted twice after a re-opt-in).
   */
  exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => {});
    return next;
  }

  /** A scheduled run: deletions, then due pending reports, then a new report if one is due. */
  runScheduled(): Promise<void> {
    return this.exclusive(async () => {
      if (this.#stopping) return;
      const em = this.services.orm.em.fork();
      await this.#deliverDeletions(em);
      const settings = await loadSettings(em);
      if (!statisticsEnabled(this.services, settings)) return;
      const now = this.services.clock.now();
      for (const pending of await this.#pending(em, now)) {
        if (!(await this.#deliver(em, pending))) return;
      }
      // Reports go out in order: nothing new while an older one still waits for its next attempt.
      if ((await this.#pending(em, null)).length > 0) return;
      const window = await nextReportWindow(em, settings, now, this.services.config.submissionIntervalDays);
      if (window.complete && now.getTime() >= dueAt(window, settings, this.services.config.submissionIntervalDays).getTime()) {
        const built = await this.#build(em, settings, window, now);
        await this.#deliver(em, built);
      }
    });
  }

  /**
   * submitUsageReport: a PENDING report is retried now; otherwise the report for the whole UTC
   * days since the last one is built and sent; otherwise NOTHING_TO_SUBMIT.
   */
  submitNow(): Promise<Submission> {
    return this.exclusive(async () => {
      const em = this.services.orm.em.fork();
      const settings = await loadSettings(em);
      if (!statisticsEnabled(this.services, settings)) {
        throw ConsentError.notEnabled(this.services.config.killSwitch ?? `consent is ${settings.consent}`);
      }
      const now = this.services.clock.now();
      const [oldest] = await this.#pending(em, null);
      if (oldest) {
        await this.#deliver(em, oldest);
        return oldest;
      }
      const window = await nextReportWindow(em, settings, now, this.services.config.submissionIntervalDays);
      if (!window.complete) {
        const next = await this.nextSubmissionAt(em, settings);
        throw codedError('NOTHING_TO_SUBMIT', 'No whole UTC day has passed since the last report.', { nextSubmissionAt: next?.toISOString() ?? null });
      }
      const built = await this.#build(em, settings, window, now);
      await this.#deliver(em, built);
      return built;
    });
  }

  /** When the next report will be sent: a pending one's next attempt, or the next due time. */
  async nextSubmissionAt(em: EntityManager, settings: UsageSettings): Promise<Date | null> {
    if (!statisticsEnabled(this.services, settings)) return null;
    const now = this.services.clock.now();
    const [pending] = await this.#pending(em, null);
    if (pending) return pending.nextAttemptAt && pending.nextAttemptAt > now ? pending.nextAttemptAt : now;
    const interval = this.services.config.submissionIntervalDays;
    const window = await nextReportWindow(em, settings, now, interval);
    const due = dueAt(window, settings, interval);
    return due > now ? due : now;
  }

  async #pending(em: EntityManager, now: Date | null): Promise<Submission[]> {
    return em.find(
      Submission,
      { status: 'PENDING', ...(now ? { $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] } : {}) },
      { orderBy: [{ periodEnd: 'asc' }, { createdAt: 'asc' }] },
    );
  }

  /**
   * One short transaction: the period's events assigned to a new report, the report counted from
   * exactly those events, and the exact payload stored in the outbox. Only then is it sent.
   * Plugins are asked for the fleet before the transaction, so none of them can hold it open.
   */
  async #build(em: EntityManager, settings: UsageSettings, window: ReportWindow, now: Date): Promise<Submission> {
    const fleet = await this.services.fleet(em);
    return em.transactional(async (tx) => {
      const reportId = randomUUID();
      await tx.nativeUpdate(UsageEvent, { reportId: null, occurredAt: { $gte: window.floor, $lt: window.end } }, { reportId });
      const payload = await buildReport({
        em: tx,
        settings,
        environment: this.services.environment,
        window,
        reportId,
        events: 'assigned',
        now,
        fleet: async () => fleet,
      });
      usageReportSchema.parse(payload);
      return tx.create(Submission, {
        id: reportId,
        status: 'PENDING',
        periodStart: window.start,
        periodEnd: window.end,
        createdAt: now,
        sentAt: null,
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
        duplicate: false,
        payload,
      });
    });
  }

  /** Sends one report. Returns false when the aggregator cannot be reached (stop for this run). */
  async #deliver(em: EntityManager, sub: Submission): Promise<boolean> {
    const settings = await loadSettings(em);
    if (!settings.installationSecret) return false;
    try {
      const result = await sendReport(this.#client(), sub.payload, settings.installationSecret, this.#abort.signal, (e) => {
        sub.attempts += 1;
        if (e) sub.lastError = e.message;
      });
      const now = this.services.clock.now();
      Object.assign(sub, { status: 'SENT', sentAt: now, nextAttemptAt: null, lastError: null, duplicate: result.duplicate });
      settings.lastSubmissionAt = now;
      await em.flush();
      this.services.logger.info({ reportId: sub.id, duplicate: result.duplicate }, 'usage report delivered');
      return true;
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError('INTERNAL', String(err), true);
      const now = this.services.clock.now();
      sub.lastError = e.message;
      if (!e.retryable) {
        sub.status = 'REJECTED';
        sub.nextAttemptAt = null;
      } else {
        const wait = Math.max(backoffAfter(this.#failedRuns(sub.attempts)), e.retryAfterMs ?? 0);
        sub.nextAttemptAt = new Date(now.getTime() + Math.min(wait, DAY_MS));
      }
      await em.flush();
      this.services.logger.warn({ reportId: sub.id, code: e.code, status: sub.status }, 'usage report not delivered');
      return !e.retryable;
    }
  }

  /** Deletion requests are delivered whatever the consent: they carry no usage data. */
  async #deliverDeletions(em: EntityManager): Promise<void> {
    const now = this.services.clock.now();
    const due = await em.find(DeletionRequest, { status: 'QUEUED', $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] }, { orderBy: { id: 'asc' } });
    for (const req of due) {
      try {
        await sendDeletion(this.#client(), req.installationId, req.installationSecret, this.#abort.signal, () => (req.attempts += 1));
        Object.assign(req, { status: 'DONE', doneAt: this.services.clock.now(), nextAttemptAt: null, lastError: null });
      } catch (err) {
        const e = err instanceof DeliveryError ? err : new DeliveryError('INTERNAL', String(err), true);
        req.lastError = e.message;
        req.nextAttemptAt = new Date(now.getTime() + Math.min(DAY_MS, Math.max(backoffAfter(this.#failedRuns(req.attempts)), e.retryAfterMs ?? 0)));
        this.services.logger.warn({ code: e.code }, 'remote deletion not delivered; it will be retried');
      }
      await em.flush();
    }
  }

  /** Lets an in-flight send finish for up to the grace period, then aborts it. State is already stored. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const settled = this.#queue.then(() => true);
    const inTime = await Promise.race([settled, new Promise<false>((r) => setTimeout(() => r(false), this.delivery.shutdownGraceMs).unref())]);
    if (!inTime) {
      this.#abort.abort();
      await this.#queue;
    }
  }
}
