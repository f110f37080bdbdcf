import { randomUUID } from 'node:crypto';

import { getGraphQLRateLimiter, RedisStore, Store } from 'graphql-rate-limit';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/**
 * graphql-rate-limit's getGraphQLRateLimiter, made safe:
 * - the window is the string '1h' (a number silently disables the library's limiting);
 * - its read-then-write is not atomic, so each key is checked under a lock: in-process always, and
 *   through Redis (SET NX PX, released by token) when instances share Redis;
 * - its in-memory store never evicts, so the in-memory store here is an LRU with a TTL;
 * - rejected calls are not counted (`uncountRejected`), and a call is only recorded once every
 *   scope it is checked against has room.
 */

const WINDOW = '1h';
const WINDOW_MS = 3_600_000;

/** An in-memory Store bounded in entries, each kept no longer than the window. */
export class BoundedMemoryStore extends Store {
  readonly #cache: LRUCache<string, readonly number[]>;
  constructor(maxEntries = 100_000) {
    super();
    this.#cache = new LRUCache({ max: maxEntries, ttl: WINDOW_MS });
  }
  #key(i: { contextIdentity: string; fieldIdentity: string }) {
    return `${i.contextIdentity}:${i.fieldIdentity}`;
  }
  setForIdentity(identity: { contextIdentity: string; fieldIdentity: string }, timestamps: readonly number[]): void {
    this.#cache.set(this.#key(identity), [...timestamps]);
  }
  getForIdentity(identity: { contextIdentity: string; fieldIdentity: string }): readonly number[] {
    return this.#cache.get(this.#key(identity)) ?? [];
  }
  delete(contextIdentity: string): void {
    for (const key of [...this.#cache.keys()]) if (key.startsWith(`${contextIdentity}:`)) this.#cache.delete(key);
  }
  get size(): number {
    return this.#cache.size;
  }
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LimitCheck {
  scope: 'installation' | 'ip';
  key: string;
  max: number;
}

export interface LimitResult {
  limited: boolean;
  scope?: LimitCheck['scope'];
  retryAfterSeconds: number;
}

export class RateLimiter {
  readonly #store: Store;
  readonly #memory: BoundedMemoryStore | null;
  readonly #limiter: ReturnType<typeof getGraphQLRateLimiter>;
  readonly #local = new Map<string, Promise<unknown>>();

  constructor(private readonly redis: Redis | null) {
    this.#memory = redis ? null : new BoundedMemoryStore();
    this.#store = redis ? new RedisStore(redis) : this.#memory!;
    this.#limiter = getGraphQLRateLimiter({ identifyContext: (ctx: { key: string }) => ctx.key, store: this.#store });
  }

  /** Checks every scope; only when all have room is the call recorded in each. */
  async consume(checks: LimitCheck[]): Promise<LimitResult> {
    const keys = checks.map((c) => `${c.scope}:${c.key}`).sort();
    return this.#withLocks(keys, async () => {
      for (const c of checks) {
        const message = await this.#call(c, true);
        if (message) return { limited: true, scope: c.scope, retryAfterSeconds: await this.#retryAfter(c) };
      }
      for (const c of checks) await this.#call(c, false);
      return { limited: false, retryAfterSeconds: 0 };
    });
  }

  /** Forgets a key's history (GDPR deletion of an installation). */
  async forget(scope: LimitCheck['scope'], key: string): Promise<void> {
    const identity = `${scope}:${key}`;
    if (this.redis) await this.redis.del(`redis-store-id::${identity}:submitReport`);
    else this.#memory!.delete(identity);
  }

  #call(c: LimitCheck, readOnly: boolean) {
    return this.#limiter(
      { parent: undefined, args: {}, context: { key: `${c.scope}:${c.key}` }, info: { fieldName: 'submitReport' } as never },
      { max: c.max, window: WINDOW, readOnly, uncountRejected: true },
    );
  }

  async #retryAfter(c: LimitCheck): Promise<number> {
    const stamps = await this.#store.getForIdentity({ contextIdentity: `${c.scope}:${c.key}`, fieldIdentity: 'submitReport' });
    const live = stamps.filter((t) => t + WINDOW_MS > Date.now());
    const oldest = live.length ? Math.min(...live) : Date.now();
    return Math.max(1, Math.ceil((oldest + WINDOW_MS - Date.now()) / 1000));
  }

  async #withLocks<T>(keys: string[], run: () => Promise<T>): Promise<T> {
    if (keys.length === 0) return run();
    const [first, ...rest] = keys;
    return this.#withLock(first!, () => this.#withLocks(rest, run));
  }

  /** One holder per key: chained promises in this process, plus a Redis lock across processes. */
  async #withLock<T>(key: string, run: () => Promise<T>): Promise<T> {
    const previous = this.#local.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = previous.then(() => mine);
    this.#local.set(key, chained);
    await previous;
    try {
      if (!this.redis) return await run();
      const lockKey = `printernizer-stats:lock:${key}`;
      const token = randomUUID();
      const deadline = Date.now() + 10_000;
      while ((await this.redis.set(lockKey, token, 'PX', 5_000, 'NX')) !== 'OK') {
        if (Date.now() > deadline) throw new Error(`rate-limit lock for ${key} not acquired within 10 s`);
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 15));
      }
      try {
        return await run();
      } finally {
        await this.redis.eval(RELEASE, 1, lockKey, token);
      }
    } finally {
      release();
      if (this.#local.get(key) === chained) this.#local.delete(key);
    }
  }
}
