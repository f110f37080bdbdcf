import type { Logger } from 'pino';

import { systemClock, type Clock } from './clock.js';

export interface JobOptions {
  name: string;
  /** Wait before the first run. */
  initialDelayMs: number;
  /** Wait between the end of one run and the start of the next. */
  intervalMs: number;
  /** `signal` is aborted when stop() is called, so a long run can end early. */
  run: (signal: AbortSignal) => Promise<void>;
  logger: Logger;
  /** What health() stamps times with (the app's clock, so they read like its other times). */
  clock?: Clock;
}

/** What a job is doing, for a monitor: health() reads it without waiting for a run. */
export interface JobHealth {
  /** NOT_STARTED before start(), SCHEDULED while waiting for the timer, RUNNING, STOPPED after stop(). */
  state: 'NOT_STARTED' | 'SCHEDULED' | 'RUNNING' | 'STOPPED';
  /** Runs finished so far (by the timer or runNow). */
  runs: number;
  lastRunStartedAt: Date | null;
  lastRunFinishedAt: Date | null;
  /** SUCCEEDED, or FAILED when the run threw (it was logged); null before the first run. */
  lastRunOutcome: 'SUCCEEDED' | 'FAILED' | null;
  /** When the timer fires next; null while a run is under way, before start() and after stop(). */
  nextRunAt: Date | null;
  intervalMs: number;
}

export interface Job {
  start(): void;
  /** Runs now (outside the timer), one run at a time. */
  runNow(): Promise<void>;
  /** No further runs; aborts the signal of the run in flight and waits for it. */
  stop(): Promise<void>;
  health(): JobHealth;
}

/**
 * A periodic job that chains setTimeout after each run, so runs never overlap and stop() can await
 * the last one. A failing run is logged and the schedule goes on: jobs never break the host.
 */
export function createJob(o: JobOptions): Job {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const controller = new AbortController();
  const clock = o.clock ?? systemClock;
  let started = false;
  let running = false;
  const h: Omit<JobHealth, 'state' | 'intervalMs'> = { runs: 0, lastRunStartedAt: null, lastRunFinishedAt: null, lastRunOutcome: null, nextRunAt: null };

  const runOnce = (): Promise<void> => {
    const run = inFlight.then(async () => {
      if (stopped) return;
      running = true;
      h.lastRunStartedAt = clock.now();
      try {
        await o.run(controller.signal);
        h.lastRunOutcome = 'SUCCEEDED';
      } catch (err) {
        h.lastRunOutcome = 'FAILED';
        o.logger.error({ err, job: o.name }, 'job run failed');
      } finally {
        running = false;
        h.runs += 1;
        h.lastRunFinishedAt = clock.now();
      }
    });
    inFlight = run;
    return run;
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    h.nextRunAt = new Date(clock.now().getTime() + delay);
    // runOnce never rejects: a failing run is logged inside it.
    timer = setTimeout(() => {
      h.nextRunAt = null;
      void runOnce().then(() => schedule(o.intervalMs));
    }, delay);
    timer.unref();
  };

  return {
    start: () => {
      started = true;
      schedule(o.initialDelayMs);
    },
    runNow: runOnce,
    async stop() {
      stopped = true;
      h.nextRunAt = null;
      if (timer) clearTimeout(timer);
      controller.abort();
      await inFlight;
    },
    health: () => ({
      ...h,
      state: stopped ? 'STOPPED' : running ? 'RUNNING' : started ? 'SCHEDULED' : 'NOT_STARTED',
      intervalMs: o.intervalMs,
    }),
  };
}
