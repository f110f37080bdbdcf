import { randomUUID } from 'node:crypto';

import type { EntityManager, MikroORM } from '@mikro-orm/core';

import { DAY_MS, MINUTE_MS, type Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { usageReportSchema } from '../../common/report/contract.js';
import type { LocalConfig } from '../config.js';
import { DeletionRequest } from '../entities/deletion-request.entity.js';
import { Submission } from '../entities/submission.entity.js';
import { UsageEvent } from '../entities/usage-event.entity.js';
import type { UsageSettings } from '../entities/usage-settings.entity.js';
import { codedError, ConsentError } from '../errors.js';
import { buildReport, type FleetProvider } from '../report/builder.js';
import { nextReportEvents, nextReportWindow, type ReportWindow } from '../report/period.js';
import type { InstallationEnvironment } from '../services/installation.js';
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

/** The settings the outbox reads: consent switches, cadence and the aggregator's address. */
export type OutboxConfig = Pick<
  LocalConfig,
  'killSwitch' | 'submissionIntervalDays' | 'endpoint' | 'apiKey' | 'submitTimeoutMs' | 'retryCount' | 'startupDelayMs' | 'checkIntervalMs'
>;

/** A request to have the aggregator delete its copy, as the user sees its progress. */
export interface RemoteDeletionView {
  status: 'QUEUED' | 'DONE';
  requestedAt: Date;
  attempts: number;
  /** Why the last attempt failed; null once confirmed or before the first attempt. */
  lastError: string | null;
  /** When the scheduled runs try again; null once confirmed. */
  nextAttemptAt: Date | null;
  doneAt: Date | null;
}

export interface OutboxDeps {
  orm: MikroORM;
  clock: Clock;
  logger: Logger;
  config: OutboxConfig;
  environment: InstallationEnvironment;
  fleet: FleetProvider;
  delivery: DeliveryOptions;
}

/**
 * What one send did: the aggregator took the report (DELIVERED), refused it for good (REJECTED),
 * or could not be reached (RETRY_LATER: later reports wait too, so they go out in order).
 */
export type SendOutcome = 'DELIVERED' | 'REJECTED' | 'RETRY_LATER';

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
 * The outbox of usage reports: builds each report into a `Submission` row (the exact payload, stored
 * before anything is sent), sends what is pending, and delivers remote-deletion requests. Scheduled
 * runs and submitUsageReport share one queue, so they never overlap. Every failure is logged once
 * per run, kept in the ledger, and never thrown into the host.
 */
export class ReportOutbox {
  #queue: Promise<unknown> = Promise.resolve();
  #abort = new AbortController();
  #stopping = false;
  /** When the submission job checks next; null while the job is not running (tests drive runs by hand). */
  #nextCheckAt: Date | null = null;
  readonly #d: OutboxDeps;

  constructor(deps: OutboxDeps) {
    this.#d = deps;
  }

  #client(retries = this.#d.config.retryCount): ClientOptions {
    const { config: c, delivery } = this.#d;
    return {
      endpoint: c.endpoint,
      apiKey: c.apiKey,
      transport: delivery.transport,
      timeoutMs: delivery.timeoutMs ?? c.submitTimeoutMs,
      retries,
      minBackoffMs: delivery.minBackoffMs,
      maxWaitMs: delivery.maxWaitMs,
    };
  }

  /** Runs so far, from attempts: each run makes at most 1 + USAGE_STATS_RETRY_COUNT attempts. */
  #failedRuns(attempts: number): number {
    return Math.ceil(attempts / (this.#d.config.retryCount + 1));
  }

  /**
   * Runs `run` when no send is under way. Opting out and deleting go through here, so a report
   * cannot be cancelled while its send is in flight (and then counted twice after a re-opt-in).
   */
  exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => {});
    return next;
  }

  /** The submission job is starting: its first check comes after USAGE_STATS_STARTUP_DELAY. */
  jobStarted(): void {
    this.#nextCheckAt = new Date(this.#d.clock.now().getTime() + this.#d.config.startupDelayMs);
  }

  /** What the submission job runs: a scheduled run; the job then waits USAGE_STATS_CHECK_INTERVAL from its end. */
  async runCheck(): Promise<void> {
    try {
      await this.runScheduled();
    } finally {
      if (!this.#stopping) this.#nextCheckAt = new Date(this.#d.clock.now().getTime() + this.#d.config.checkIntervalMs);
    }
  }

  /**
   * The first check of the submission job at or after `at`: nothing is sent between checks, so
   * this is when something due at `at` really goes. Without a running job, `at` itself.
   */
  atCheck(at: Date): Date {
    const next = this.#nextCheckAt;
    if (!next || at.getTime() <= next.getTime()) return next ?? at;
    const interval = this.#d.config.checkIntervalMs;
    return new Date(next.getTime() + Math.ceil((at.getTime() - next.getTime()) / interval) * interval);
  }

  /**
   * Runs `change` (a deletion or an opt-out that may queue a remote deletion) in the queue, then
   * tries every queued deletion request at once: one attempt each, bounded by USAGE_STATS_TIMEOUT.
   * A failure stays queued for the scheduled runs, with its reason and next attempt.
   */
  changeThenDeliverDeletions<T>(change: () => Promise<T>): Promise<{ result: T; deletion: RemoteDeletionView | null }> {
    return this.exclusive(async () => {
      const result = await change();
      const em = this.#d.orm.em.fork();
      await this.#sendDeletions(em, { now: true });
      return { result, deletion: await this.latestDeletion(em) };
    });
  }

  /** The latest remote-deletion request; null when none was ever made. */
  async latestDeletion(em: EntityManager): Promise<RemoteDeletionView | null> {
    const [r] = await em.find(DeletionRequest, {}, { orderBy: { id: 'desc' }, limit: 1 });
    if (!r) return null;
    const nextAttemptAt = r.nextAttemptAt ? this.atCheck(r.nextAttemptAt) : null;
    return { status: r.status, requestedAt: r.createdAt, attempts: r.attempts, lastError: r.lastError ?? null, nextAttemptAt, doneAt: r.doneAt ?? null };
  }

  /** A scheduled run: deletions, then due pending reports, then a new report if one is due. */
  runScheduled(): Promise<void> {
    return this.exclusive(async () => {
      if (this.#stopping) return;
      const { orm, clock, config } = this.#d;
      const em = orm.em.fork();
      await this.#sendDeletions(em);
      const settings = await loadSettings(em);
      if (!statisticsEnabled(settings, config)) return;
      const now = clock.now();
      for (const due of await this.#dueReports(em, now)) {
        if ((await this.#send(em, due)) === 'RETRY_LATER') return;
      }
      // Reports go out in order: nothing new while an older one still waits for its next attempt.
      if ((await this.#pendingReports(em)).length > 0) return;
      const window = await nextReportWindow(em, settings, now, config.submissionIntervalDays);
      if (window.complete && now.getTime() >= dueAt(window, settings, config.submissionIntervalDays).getTime()) {
        await this.#send(em, await this.#build(em, settings, window, now));
      }
    });
  }

  /**
   * submitUsageReport: a PENDING report is retried now; otherwise the report for the whole UTC
   * days since the last one is built and sent; otherwise NOTHING_TO_SUBMIT.
   */
  submitNow(): Promise<Submission> {
    return this.exclusive(async () => {
      const { orm, clock, config } = this.#d;
      const em = orm.em.fork();
      const settings = await loadSettings(em);
      if (!statisticsEnabled(settings, config)) {
        throw ConsentError.notEnabled(config.killSwitch ?? `consent is ${settings.consent}`);
      }
      const now = clock.now();
      const [oldest] = await this.#pendingReports(em);
      if (oldest) {
        await this.#send(em, oldest);
        return oldest;
      }
      const window = await nextReportWindow(em, settings, now, config.submissionIntervalDays);
      if (!window.complete) {
        const next = await this.nextSubmissionAt(em, settings);
        throw codedError('NOTHING_TO_SUBMIT', 'No whole UTC day has passed since the last report.', { nextSubmissionAt: next?.toISOString() ?? null });
      }
      const built = await this.#build(em, settings, window, now);
      await this.#send(em, built);
      return built;
    });
  }

  /**
   * When the next report will really be sent: a pending one's next attempt, or the next due time,
   * moved to the submission job's first check at or after it.
   */
  async nextSubmissionAt(em: EntityManager, settings: UsageSettings): Promise<Date | null> {
    const { clock, config } = this.#d;
    if (!statisticsEnabled(settings, config)) return null;
    const now = clock.now();
    const [pending] = await this.#pendingReports(em);
    if (pending) return this.atCheck(pending.nextAttemptAt && pending.nextAttemptAt > now ? pending.nextAttemptAt : now);
    const window = await nextReportWindow(em, settings, now, config.submissionIntervalDays);
    const due = dueAt(window, settings, config.submissionIntervalDays);
    return this.atCheck(due > now ? due : now);
  }

  /** Every report built and not yet delivered or given up, oldest period first. */
  #pendingReports(em: EntityManager): Promise<Submission[]> {
    return em.find(Submission, { status: 'PENDING' }, { orderBy: [{ periodEnd: 'asc' }, { createdAt: 'asc' }] });
  }

  /** The pending reports whose next attempt has come. */
  #dueReports(em: EntityManager, now: Date): Promise<Submission[]> {
    return em.find(
      Submission,
      { status: 'PENDING', $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] },
      { orderBy: [{ periodEnd: 'asc' }, { createdAt: 'asc' }] },
    );
  }

  /**
   * One short transaction: the next report's events (`nextReportEvents`, the rule the preview
   * counts) assigned to a new report, the report counted from exactly those events, and the exact
   * payload stored. Only then is it sent. Plugins are asked for the fleet before the transaction,
   * so none of them can hold it open.
   */
  async #build(em: EntityManager, settings: UsageSettings, window: ReportWindow, now: Date): Promise<Submission> {
    const fleet = await this.#d.fleet(em);
    return em.transactional(async (tx) => {
      const reportId = randomUUID();
      await tx.nativeUpdate(UsageEvent, nextReportEvents(window), { reportId });
      const payload = await buildReport({
        em: tx,
        settings,
        environment: this.#d.environment,
        window,
        reportId,
        events: { reportId },
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

  /** Sends one report and records the outcome in its ledger row. */
  async #send(em: EntityManager, sub: Submission): Promise<SendOutcome> {
    const { clock, logger } = this.#d;
    const settings = await loadSettings(em);
    if (!settings.installationSecret) return 'RETRY_LATER';
    try {
      const result = await sendReport(this.#client(), sub.payload, settings.installationSecret, this.#abort.signal, (e) => {
        sub.attempts += 1;
        if (e) sub.lastError = e.message;
      });
      const now = clock.now();
      Object.assign(sub, { status: 'SENT', sentAt: now, nextAttemptAt: null, lastError: null, duplicate: result.duplicate });
      settings.lastSubmissionAt = now;
      await em.flush();
      logger.info({ reportId: sub.id, duplicate: result.duplicate }, 'usage report delivered');
      return 'DELIVERED';
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError('INTERNAL', String(err), true);
      const now = clock.now();
      sub.lastError = e.message;
      if (!e.retryable) {
        sub.status = 'REJECTED';
        sub.nextAttemptAt = null;
      } else {
        const wait = Math.max(backoffAfter(this.#failedRuns(sub.attempts)), e.retryAfterMs ?? 0);
        sub.nextAttemptAt = new Date(now.getTime() + Math.min(wait, DAY_MS));
      }
      await em.flush();
      logger.warn({ reportId: sub.id, code: e.code, status: sub.status }, 'usage report not delivered');
      return e.retryable ? 'RETRY_LATER' : 'REJECTED';
    }
  }

  /**
   * Deletion requests are delivered whatever the consent: they carry no usage data. `now`: the
   * user is waiting, so every queued request is tried once, without retries or backoff waits.
   */
  async #sendDeletions(em: EntityManager, { now: immediate = false } = {}): Promise<void> {
    const { clock, logger } = this.#d;
    const now = clock.now();
    const due = await em.find(
      DeletionRequest,
      immediate ? { status: 'QUEUED' } : { status: 'QUEUED', $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] },
      { orderBy: { id: 'asc' } },
    );
    for (const req of due) {
      try {
        await sendDeletion(
          immediate ? this.#client(0) : this.#client(),
          req.installationId,
          req.installationSecret,
          this.#abort.signal,
          () => (req.attempts += 1),
        );
        Object.assign(req, { status: 'DONE', doneAt: clock.now(), nextAttemptAt: null, lastError: null });
      } catch (err) {
        const e = err instanceof DeliveryError ? err : new DeliveryError('INTERNAL', String(err), true);
        req.lastError = e.message;
        req.nextAttemptAt = new Date(now.getTime() + Math.min(DAY_MS, Math.max(backoffAfter(this.#failedRuns(req.attempts)), e.retryAfterMs ?? 0)));
        logger.warn({ code: e.code }, 'remote deletion not delivered; it will be retried');
      }
      await em.flush();
    }
  }

  /** Lets an in-flight send finish for up to the grace period, then aborts it. State is already stored. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const settled = this.#queue.then(() => true);
    const inTime = await Promise.race([settled, new Promise<false>((r) => setTimeout(() => r(false), this.#d.delivery.shutdownGraceMs).unref())]);
    if (!inTime) {
      this.#abort.abort();
      await this.#queue;
    }
  }
}
