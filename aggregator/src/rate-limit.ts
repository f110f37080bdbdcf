import type { Redis } from 'ioredis';

import { HOUR_MS, type Clock } from '../../common/clock.js';

/**
 * Fixed-window counters, one per scope and key, for the window the injected clock is in
 * (window index = floor(now / window)), so tests move past a window with a ManualClock and
 * Retry-After is the time left in the window by that clock.
 *
 * Why not a library: rate-limiter-flexible (the well-kept choice) takes its time from Date.now and
 * the Redis server, counts rejected calls, and limits one key per call, so checking the address
 * and the installation together means two round trips and a refund to the first when the second
 * refuses, a refund that a concurrent call can see missing. Here one Lua script checks every scope
 * and counts the call in each only when all have room: one round trip, atomic across instances,
 * no lock and no sleep. In memory, the same check runs without an await in between, so it is
 * atomic within the process. Either way a check costs O(scopes), whatever a key has sent.
 *
 * A call whose outcome must not count (submitReport: a duplicate, a refusal, a failed store) gives
 * its unit back with `refund`, so the count is what was really done; consuming first and refunding
 * after keeps the limit exact under concurrency, where checking first and counting after would not.
 *
 * The cost of fixed windows: a client can spend one window's quota at its end and the next one's
 * at its start, so up to twice the limit can pass within a short span across a boundary.
 */

export interface LimitCheck {
  scope: 'installation' | 'ip' | 'auth';
  key: string;
  max: number;
}

export interface LimitResult {
  limited: boolean;
  scope?: LimitCheck['scope'];
  retryAfterSeconds: number;
  /** The counters this call was counted in (when not limited), for `refund`. */
  counted?: readonly string[];
}

export interface RateLimiterOptions {
  /** Shared counters for several instances; null keeps them in this process. */
  redis: Redis | null;
  clock: Clock;
  /** @default one hour */
  windowMs?: number;
  /** In-memory counters kept at most; past it the oldest key is forgotten. @default 100_000 */
  maxMemoryKeys?: number;
}

// KEYS: one counter per scope for the current window. ARGV[1]: how long a counter lives (ms),
// ARGV[1 + i]: the limit of KEYS[i]. Returns the 1-based index of the first full scope, or 0.
const CONSUME = `
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[i + 1]) then return i end
end
for i = 1, #KEYS do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
end
return 0`;

// KEYS: the counters one call was counted in. Takes the call back from each (never below zero), so
// that only calls whose outcome should count (a stored new report) keep their unit.
const REFUND = `
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 0`;

interface WithConsume {
  printernizerRateLimit(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Promise<number>;
  printernizerRateRefund(numberOfKeys: number, ...keys: string[]): Promise<number>;
}

/** The in-memory counters of one window, bounded in keys; a new window starts from nothing. */
export class MemoryCounters {
  #window = Number.NaN;
  readonly #counts = new Map<string, number>();
  constructor(private readonly maxKeys = 100_000) {}

  /** Same contract as the Lua script: checks all, counts in all only when all have room. */
  consume(window: number, keys: readonly string[], maxes: readonly number[]): number {
    if (window !== this.#window) {
      this.#counts.clear();
      this.#window = window;
    }
    for (let i = 0; i < keys.length; i++) if ((this.#counts.get(keys[i]) ?? 0) >= maxes[i]) return i + 1;
    for (const key of keys) {
      const count = this.#counts.get(key);
      if (count === undefined && this.#counts.size >= this.maxKeys) this.#counts.delete(this.#counts.keys().next().value!);
      this.#counts.set(key, (count ?? 0) + 1);
    }
    return 0;
  }

  /** Takes one call back from each key (of the current window only: a new window counts from nothing anyway). */
  refund(window: number, keys: readonly string[]): void {
    if (window !== this.#window) return;
    for (const key of keys) {
      const count = this.#counts.get(key);
      if (count !== undefined && count > 0) this.#counts.set(key, count - 1);
    }
  }

  count(window: number, key: string): number {
    return window === this.#window ? (this.#counts.get(key) ?? 0) : 0;
  }

  delete(key: string): void {
    this.#counts.delete(key);
  }

  get size(): number {
    return this.#counts.size;
  }
}

export class RateLimiter {
  readonly #redis: (Redis & WithConsume) | null;
  readonly #memory: MemoryCounters;
  readonly #clock: Clock;
  readonly #windowMs: number;

  constructor(o: RateLimiterOptions) {
    this.#clock = o.clock;
    this.#windowMs = o.windowMs ?? HOUR_MS;
    this.#memory = new MemoryCounters(o.maxMemoryKeys);
    if (o.redis) {
      o.redis.defineCommand('printernizerRateLimit', { lua: CONSUME });
      o.redis.defineCommand('printernizerRateRefund', { lua: REFUND });
    }
    this.#redis = o.redis as (Redis & WithConsume) | null;
  }

  /** Checks every scope; only when all have room is the call counted in each. */
  async consume(checks: readonly LimitCheck[]): Promise<LimitResult> {
    const now = this.#clock.now().getTime();
    const window = Math.floor(now / this.#windowMs);
    const msLeft = (window + 1) * this.#windowMs - now;
    const keys = checks.map((c) => this.#key(c.scope, c.key, window));
    const maxes = checks.map((c) => c.max);
    const full = this.#redis
      ? await this.#redis.printernizerRateLimit(keys.length, ...keys, msLeft + 1000, ...maxes)
      : this.#memory.consume(window, keys, maxes);
    if (full === 0) return { limited: false, retryAfterSeconds: 0, counted: keys };
    return { limited: true, scope: checks[full - 1].scope, retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)) };
  }

  /** Whether any scope is full, counting nothing (a GET per key on Redis). */
  async peek(checks: readonly LimitCheck[]): Promise<LimitResult> {
    const now = this.#clock.now().getTime();
    const window = Math.floor(now / this.#windowMs);
    const msLeft = (window + 1) * this.#windowMs - now;
    const keys = checks.map((c) => this.#key(c.scope, c.key, window));
    const counts = this.#redis ? (await this.#redis.mget(...keys)).map(Number) : keys.map((k) => this.#memory.count(window, k));
    const full = checks.findIndex((c, i) => counts[i] >= c.max);
    if (full < 0) return { limited: false, retryAfterSeconds: 0 };
    return { limited: true, scope: checks[full].scope, retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)) };
  }

  /**
   * Gives back the unit a call took (consume, then refund when its outcome must not count), atomically:
   * a concurrent consume sees either both or neither. Counters of an earlier window are left to expire.
   */
  async refund(result: LimitResult): Promise<void> {
    const keys = result.counted;
    if (!keys?.length) return;
    if (this.#redis) await this.#redis.printernizerRateRefund(keys.length, ...keys);
    else this.#memory.refund(this.#windowOf(keys[0]), keys);
  }

  #windowOf(key: string): number {
    return Number(key.slice(key.lastIndexOf(':') + 1));
  }

  /** Forgets a key's count in the current window (GDPR deletion of an installation). */
  async forget(scope: LimitCheck['scope'], key: string): Promise<void> {
    const counter = this.#key(scope, key, Math.floor(this.#clock.now().getTime() / this.#windowMs));
    if (this.#redis) await this.#redis.del(counter);
    else this.#memory.delete(counter);
  }

  #key(scope: LimitCheck['scope'], key: string, window: number): string {
    return `printernizer-stats:rate:${scope}:${key}:${window}`;
  }
}
