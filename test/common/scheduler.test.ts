import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { createJob, type Job } from '../../common/scheduler.js';
import { JobTimers } from '../helpers/job-timers.js';
import { waitFor, withDeadline } from '../helpers/wait.js';

interface LogEntry {
  level: number;
  msg: string;
  job?: string;
  err?: { message: string };
}

/** Lets microtasks and already-finished I/O callbacks run, so a run that could start has started. */
const settle = () => new Promise((r) => setImmediate(r));

/** A run the test lets go of when it chooses, recording when runs start and end. */
class Runs {
  readonly log: string[] = [];
  readonly #open: (() => void)[] = [];
  #active = 0;
  maxActive = 0;
  failNext = false;
  get started(): number {
    return this.log.filter((e) => e.startsWith('start')).length;
  }
  run = async (): Promise<void> => {
    const n = this.started + 1;
    this.log.push(`start ${n}`);
    this.maxActive = Math.max(this.maxActive, ++this.#active);
    try {
      await new Promise<void>((r) => this.#open.push(r));
      if (this.failNext) {
        this.failNext = false;
        throw new Error(`run ${n} failed`);
      }
    } finally {
      this.#active--;
      this.log.push(`end ${n}`);
    }
  };
  /** Lets the oldest run still open finish. */
  release(): void {
    const next = this.#open.shift();
    if (!next) throw new Error('no run is open');
    next();
  }
}

const test = suite<{ timers: JobTimers; runs: Runs; entries: LogEntry[]; job: Job }>('createJob (common/scheduler.ts)');
test.before.each((ctx) => {
  ctx.timers = new JobTimers().install();
  ctx.runs = new Runs();
  ctx.entries = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => ctx.entries.push(JSON.parse(line) as LogEntry) });
  ctx.job = createJob({ name: 'test-job', initialDelayMs: 100, intervalMs: 1000, logger, run: ctx.runs.run });
});
test.after.each((ctx) => {
  ctx.timers.uninstall();
});

/** Waits until the job has scheduled its next run (a run's end is what schedules it). */
const nextRunScheduled = (timers: JobTimers) =>
  waitFor(() => timers.pending().length === 1, { timeoutMs: 10_000, message: 'the job to schedule its next run' });

test('start schedules the first run after the initial delay, the next one an interval after it ends', async ({ timers, runs, job }) => {
  job.start();
  assert.equal(timers.pending(), [100]);
  assert.is(timers.advance(99), 0, 'nothing before the initial delay');
  timers.advance(1);
  await settle();
  assert.equal(runs.log, ['start 1']);
  assert.equal(timers.pending(), [], 'no next run is scheduled while one is in flight');
  timers.advance(10_000);
  await settle();
  assert.equal(runs.log, ['start 1'], 'time passing does not start a second run beside it');
  runs.release();
  await nextRunScheduled(timers);
  assert.equal(timers.pending(), [1000], 'the interval counts from the end of the run');
  timers.advance(1000);
  await settle();
  runs.release();
  await nextRunScheduled(timers);
  assert.equal(runs.log, ['start 1', 'end 1', 'start 2', 'end 2']);
});

test('runNow queues behind a run in flight, and runs never overlap', async ({ timers, runs, job }) => {
  job.start();
  timers.advance(100);
  await settle();
  const now = [job.runNow(), job.runNow()];
  await settle();
  assert.equal(runs.log, ['start 1'], 'runNow waits for the run in flight');
  runs.release();
  await nextRunScheduled(timers);
  await settle();
  assert.equal(runs.log, ['start 1', 'end 1', 'start 2']);
  timers.advance(1000);
  await settle();
  assert.equal(runs.log, ['start 1', 'end 1', 'start 2'], 'the timer run queues too');
  runs.release();
  await now[0];
  await settle();
  runs.release();
  await now[1];
  await settle();
  runs.release();
  await nextRunScheduled(timers);
  assert.equal(runs.log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3', 'start 4', 'end 4']);
  assert.is(runs.maxActive, 1);
});

test('a failing run is logged with the job name and the schedule goes on', async ({ timers, runs, entries, job }) => {
  runs.failNext = true;
  job.start();
  timers.advance(100);
  await settle();
  runs.release();
  await nextRunScheduled(timers);
  const failures = entries.filter((e) => e.msg === 'job run failed');
  assert.equal(
    failures.map((e) => [e.level, e.job, e.err?.message]),
    [[50, 'test-job', 'run 1 failed']],
  );
  assert.equal(timers.pending(), [1000], 'the next run is scheduled all the same');
  timers.advance(1000);
  await settle();
  runs.release();
  await nextRunScheduled(timers);
  assert.equal(runs.log, ['start 1', 'end 1', 'start 2', 'end 2']);
  runs.failNext = true;
  const outcome = job.runNow().then(
    () => 'resolved',
    () => 'rejected',
  );
  await settle();
  runs.release();
  assert.is(await outcome, 'resolved', 'a failing runNow is logged too, never thrown at the caller');
  assert.is(entries.filter((e) => e.msg === 'job run failed').length, 2);
});

test('stop waits for the run in flight, then no run starts again', async ({ timers, runs, job }) => {
  job.start();
  timers.advance(100);
  await settle();
  let stopped = false;
  const stopping = job.stop().then(() => (stopped = true));
  await settle();
  assert.is(stopped, false, 'stop() has not returned while the run is in flight');
  runs.release();
  await withDeadline(stopping, { timeoutMs: 10_000, message: 'stop() once the run in flight ended' });
  await settle();
  assert.equal(runs.log, ['start 1', 'end 1']);
  assert.equal(timers.pending(), [], 'no timer is left behind');
  await job.runNow();
  timers.advance(30 * 86_400_000);
  await settle();
  assert.equal(runs.log, ['start 1', 'end 1'], 'neither runNow nor time starts a run after stop');
});

test('stop aborts the signal of the run in flight', async ({ entries }) => {
  const logger = pino({ level: 'debug' }, { write: (line: string) => entries.push(JSON.parse(line) as LogEntry) });
  let seen: AbortSignal | null = null;
  const job = createJob({
    name: 'long-job',
    initialDelayMs: 100,
    intervalMs: 1000,
    logger,
    // Ends only when told to stop: without the abort, stop() would wait for ever.
    run: (signal) =>
      new Promise<void>((resolve) => {
        seen = signal;
        signal.addEventListener('abort', () => resolve());
      }),
  });
  const running = job.runNow();
  await settle();
  assert.ok(seen, 'the run started');
  assert.is((seen as AbortSignal).aborted, false);
  await withDeadline(job.stop(), { timeoutMs: 10_000, message: 'stop() to abort the run in flight' });
  await running;
  assert.is((seen as AbortSignal).aborted, true);
});

test('stop before the first run clears its timer', async ({ timers, runs, job }) => {
  job.start();
  await job.stop();
  assert.equal(timers.pending(), []);
  timers.advance(86_400_000);
  await settle();
  assert.equal(runs.log, []);
});

test.run();
