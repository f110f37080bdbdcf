/**
 * The cost of one rate-limit check (aggregator/src/rate-limit.ts, the two scopes submitReport
 * checks) on a key that has seen 10 calls in the window against one that has seen 100k: the
 * issue's goal is a constant cost, ≤ 1.1× after 100k. In memory, and on Redis when one is given.
 * Time stands still (ManualClock), so every call falls in the same window and is counted.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { Redis } from 'ioredis';

import { ManualClock } from '../../common/clock.js';
import { RateLimiter, type LimitCheck } from '../../aggregator/src/rate-limit.js';
import type { BenchRow } from './row.js';

const HIGH = 1_000_000_000;
const checksFor = (key: string): LimitCheck[] => [
  { scope: 'ip', key: `ip-${key}`, max: HIGH },
  { scope: 'installation', key: `inst-${key}`, max: HIGH },
];

/** Sends `n` checks on one key, at most `inFlight` at a time (Redis pipelines them). */
async function calls(limiter: RateLimiter, checks: LimitCheck[], n: number, inFlight: number): Promise<void> {
  for (let done = 0; done < n; done += inFlight) {
    const batch = Array.from({ length: Math.min(inFlight, n - done) }, () => limiter.consume(checks));
    for (const r of await Promise.all(batch)) if (r.limited) throw new Error('rate-limit bench: a check was refused; the limits are meant to be out of reach');
  }
}

/** Time of one check, from `size` sequential checks on one key. */
async function perCheck(limiter: RateLimiter, checks: LimitCheck[], size: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < size; i++) await limiter.consume(checks);
  return (performance.now() - start) / size;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

const us = (ms: number) => `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} µs/check`;

/**
 * Baseline: each batch on a fresh key brought to 10 calls first. Measured: one key brought to
 * `after` calls (100k by default), every batch on it; medians of interleaved batches. Checks run
 * one after another (await each), so a Redis figure is one round trip.
 */
export async function benchRateLimit(o: { redisUrl?: string | null; after?: number } = {}): Promise<BenchRow[]> {
  const after = o.after ?? Number(process.env.BENCH_RATE_LIMIT_CALLS ?? (process.env.BENCH_QUICK ? 20_000 : 100_000));
  const rows: BenchRow[] = [];
  const stores: ['memory' | 'redis', Redis | null][] = [['memory', null]];
  if (o.redisUrl) stores.push(['redis', new Redis(o.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000 })]);
  for (const [store, redis] of stores) {
    const limiter = new RateLimiter({ redis, clock: new ManualClock('2026-11-28T12:00:00.000Z') });
    const run = randomUUID();
    const [batches, size] = redis ? [15, 200] : [31, 2000];
    try {
      await calls(limiter, checksFor(`${run}-warm`), size * 5, 1);
      const busy = checksFor(`${run}-busy`);
      await calls(limiter, busy, after, redis ? 500 : 1);
      // Interleaved, so that drift in the machine's load falls on both sides alike.
      const [freshSamples, loadedSamples]: number[][] = [[], []];
      for (let b = 0; b < batches; b++) {
        const checks = checksFor(`${run}-fresh-${b}`);
        await calls(limiter, checks, 10, 1);
        freshSamples.push(await perCheck(limiter, checks, size));
        loadedSamples.push(await perCheck(limiter, busy, size));
      }
      const [fresh, loaded] = [median(freshSamples), median(loadedSamples)];
      rows.push({
        part: 'rate limit',
        database: store,
        measure: `one check (ip + installation) after ${after.toLocaleString('en')} calls vs after 10`,
        baseline: us(fresh),
        measured: us(loaded),
        ratio: loaded / fresh,
        goal: '≤ 1.1×',
        met: loaded / fresh <= 1.1,
      });
    } finally {
      if (redis) {
        const keys = await redis.keys(`printernizer-stats:rate:*${run}*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      }
    }
  }
  return rows;
}
