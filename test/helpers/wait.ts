import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** How long to wait before failing. A failure guard, never an assertion about speed. */
  timeoutMs: number;
  /** What was waited for; the failure says "timed out after N ms waiting for <message>". */
  message: string;
  /** Pause between two checks of the condition. @default 5 */
  intervalMs?: number;
}

function timedOut(o: WaitOptions): Error {
  return new Error(`timed out after ${o.timeoutMs} ms waiting for ${o.message}`);
}

/**
 * Checks `condition` until it holds, and fails with the message once the deadline has passed.
 * The only polling a test may do: every wait has a deadline and says what it waited for.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, o: WaitOptions): Promise<void> {
  const deadline = performance.now() + o.timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (performance.now() >= deadline) throw timedOut(o);
    await sleep(o.intervalMs ?? 5);
  }
}

/** The promise's outcome, or a failure naming what was waited for once the deadline has passed. */
export async function withDeadline<T>(promise: Promise<T>, o: Omit<WaitOptions, 'intervalMs'>): Promise<T> {
  const guard = new AbortController();
  const deadline = sleep(o.timeoutMs, undefined, { signal: guard.signal }).then(
    () => Promise.reject(timedOut(o)),
    () => new Promise<never>(() => {}),
  );
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    guard.abort();
  }
}
