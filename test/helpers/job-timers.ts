interface JobTimer {
  delay: number;
  due: number;
  callback: () => unknown;
  unref(): JobTimer;
  ref(): JobTimer;
  hasRef(): boolean;
}

/**
 * Manual time for the timers of common/scheduler.ts, the way ManualClock is manual time for
 * "now": while installed, a setTimeout called from the scheduler is held here until advance()
 * reaches it; every other timer (database drivers, tests' own deadlines) stays real. So a test
 * sees which runs are scheduled, fires them in order without waiting, and after stop() can tell
 * that none is left behind.
 */
export class JobTimers {
  #now = 0;
  readonly #pending = new Set<JobTimer>();
  #restore: (() => void) | null = null;

  install(): this {
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    const set = (callback: () => unknown, delay = 0, ...rest: unknown[]) => {
      if (!new Error().stack?.includes('/common/scheduler.')) return realSet(callback, delay, ...rest);
      const timer: JobTimer = { delay, due: this.#now + delay, callback, unref: () => timer, ref: () => timer, hasRef: () => false };
      this.#pending.add(timer);
      return timer;
    };
    const clear = (timer: Parameters<typeof clearTimeout>[0]) => {
      if (!this.#pending.delete(timer as unknown as JobTimer)) realClear(timer);
    };
    globalThis.setTimeout = set as unknown as typeof setTimeout;
    globalThis.clearTimeout = clear;
    this.#restore = () => {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    };
    return this;
  }

  uninstall(): void {
    this.#restore?.();
    this.#restore = null;
  }

  /** The delays of the scheduler's timers that have neither fired nor been cleared, soonest first. */
  pending(): number[] {
    return [...this.#pending].sort((a, b) => a.due - b.due).map((t) => t.delay);
  }

  /**
   * Moves time on by `ms` and fires each timer that falls due, soonest first. A fired run goes on
   * by itself (the scheduler does not hand its promise to the timer), so a test waits for what
   * the run does, or for the job's next timer to appear in pending(), with waitFor.
   */
  advance(ms: number): number {
    const until = this.#now + ms;
    const due = [...this.#pending].filter((t) => t.due <= until).sort((a, b) => a.due - b.due);
    for (const timer of due) {
      this.#pending.delete(timer);
      this.#now = timer.due;
      timer.callback();
    }
    this.#now = until;
    return due.length;
  }
}
