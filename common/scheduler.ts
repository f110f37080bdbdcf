import type { Logger } from 'pino';

export interface JobOptions {
  name: string;
  /** Wait before the first run. */
  initialDelayMs: number;
  /** Wait between the end of one run and the start of the next. */
  intervalMs: number;
  /** `signal` is aborted when stop() is called, so a long run can end early. */
  run: (signal: AbortSignal) => Promise<void>;
  logger: Logger;
}

export interface Job {
  start(): void;
  /** Runs now (outside the timer), one run at a time. */
  runNow(): Promise<void>;
  /** No further runs; aborts the signal of the run in flight and waits for it. */
  stop(): Promise<void>;
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

  const runOnce = (): Promise<void> => {
    const run = inFlight.then(async () => {
      if (stopped) return;
      try {
        await o.run(controller.signal);
      } catch (err) {
        o.logger.error({ err, job: o.name }, 'job run failed');
      }
    });
    inFlight = run;
    return run;
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    // runOnce never rejects: a failing run is logged inside it.
    timer = setTimeout(() => void runOnce().then(() => schedule(o.intervalMs)), delay);
    timer.unref();
  };

  return {
    start: () => schedule(o.initialDelayMs),
    runNow: runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      controller.abort();
      await inFlight;
    },
  };
}
