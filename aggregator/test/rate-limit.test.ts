import { randomBytes, randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { HOUR_MS, ManualClock, MINUTE_MS } from '../../common/clock.js';
import type { DatabaseKind } from '../../common/db.js';
import { testDatabaseKinds } from '../../test/helpers/databases.js';
import { TEST_REDIS_URL, testRedisAvailable } from '../../test/helpers/redis.js';
import { MemoryCounters, RateLimiter, type LimitCheck } from '../src/rate-limit.js';
import { createTestAggregator, makeReport, type TestAggregator } from './helpers/aggregator.js';

const redisAvailable = await testRedisAvailable();
/** A documentation-range IPv6 address no earlier run used, since counters in Redis outlive a run. */
const freshAddress = () => `2001:db8::${randomBytes(8).toString('hex').match(/.{4}/g)!.join(':')}`;

const memory = suite('in-memory counters');
memory('hold at most maxKeys keys, forgetting the oldest first', () => {
  const counters = new MemoryCounters(100);
  for (let i = 0; i < 1000; i++) counters.consume(0, [`ip:${i}`], [5]);
  assert.is(counters.size, 100);
  assert.is(counters.consume(0, ['ip:999'], [1]), 1, 'the newest key is still counted');
  assert.is(counters.consume(0, ['ip:0'], [1]), 0, 'the oldest key was forgotten');
});
memory('a new window starts from nothing, so memory holds one window only', () => {
  const counters = new MemoryCounters();
  for (let i = 0; i < 50; i++) counters.consume(7, [`ip:${i}`], [5]);
  counters.consume(8, ['ip:0'], [5]);
  assert.is(counters.size, 1);
});
memory.run();

type Store = 'memory' | 'redis';
const stores: Store[] = redisAvailable ? ['memory', 'redis'] : ['memory'];
if (!redisAvailable) suite('rate limiter [redis]').skip('needs Redis (set CI=true to make its absence a failure)', () => {});

for (const store of stores) {
  const test = suite<{ clock: ManualClock; connections: Redis[]; limiter: (clock?: ManualClock) => RateLimiter }>(
    `rate limiter on the injected clock [${store}]`,
  );
  test.before.each((ctx) => {
    ctx.clock = new ManualClock('2026-11-28T12:00:00.000Z');
    ctx.connections = [];
    ctx.limiter = (clock = ctx.clock) => {
      if (store === 'memory') return new RateLimiter({ redis: null, clock });
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      ctx.connections.push(redis);
      return new RateLimiter({ redis, clock });
    };
  });
  test.after.each(async (ctx) => {
    await Promise.all(ctx.connections.map((r) => r.quit()));
  });

  const installation = (max: number, key = randomUUID()): LimitCheck => ({ scope: 'installation', key, max });

  test('the limit holds within the window; past its end the key is accepted again', async ({ clock, limiter }) => {
    const l = limiter();
    const check = [installation(3)];
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await l.consume(check)).limited);
    assert.equal(results, [false, false, false, true, true]);
    clock.advance(HOUR_MS - 1);
    assert.is((await l.consume(check)).limited, true, 'one millisecond before the window ends');
    clock.advance(1);
    assert.is((await l.consume(check)).limited, false, 'the next window starts from nothing');
  });

  test('retryAfterSeconds is the time left in the window by the injected clock', async ({ clock, limiter }) => {
    const l = limiter();
    const check = [installation(1)];
    await l.consume(check);
    clock.advance(20 * MINUTE_MS);
    assert.equal(await l.consume(check), { limited: true, scope: 'installation', retryAfterSeconds: 2400 });
    clock.advance(40 * MINUTE_MS - 500);
    assert.is((await l.consume(check)).retryAfterSeconds, 1, 'half a second left rounds up to one');
  });

  test('a call counts only when every scope has room; refused calls count nowhere', async ({ limiter }) => {
    const l = limiter();
    const address: LimitCheck = { scope: 'ip', key: freshAddress(), max: 3 };
    const full = installation(1);
    assert.is((await l.consume([address, full])).limited, false);
    for (let i = 0; i < 3; i++) assert.equal(await l.consume([address, full]).then((r) => r.scope), 'installation');
    assert.is((await l.consume([address, installation(5)])).limited, false, 'the refused calls took nothing from the address');
    assert.is((await l.consume([address, installation(5)])).limited, false);
    const refused = await l.consume([address, installation(5)]);
    assert.equal([refused.limited, refused.scope], [true, 'ip'], 'the address is full after 3 counted calls');
  });

  test('forget clears one key and no other', async ({ limiter }) => {
    const l = limiter();
    const a = installation(1);
    const b = installation(1);
    await l.consume([a]);
    await l.consume([b]);
    await l.forget('installation', a.key);
    assert.is((await l.consume([a])).limited, false);
    assert.is((await l.consume([b])).limited, true);
  });

  test('20 concurrent calls with a limit of 10, from two limiters: exactly 10 pass', async ({ clock, limiter }) => {
    // In memory each process counts alone, so the two limiters there share nothing but one process.
    const one = limiter();
    const two = store === 'redis' ? limiter(clock) : one;
    const check = [installation(10)];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).consume(check)));
    assert.is(results.filter((r) => !r.limited).length, 10);
  });

  test.run();
}

const setups: { db: DatabaseKind; store: Store }[] = [
  ...(await testDatabaseKinds()).map((db) => ({ db, store: 'memory' as const })),
  ...(redisAvailable ? [{ db: 'sqlite' as const, store: 'redis' as const }] : []),
];

for (const { db, store } of setups) {
  const test = suite<{ t: TestAggregator }>(`aggregator rate limits [${db}, ${store}]`);
  const create = (env: Record<string, string>) =>
    createTestAggregator({ db, env: { ...env, ...(store === 'redis' ? { AGGREGATOR_REDIS_URL: TEST_REDIS_URL } : {}) } });
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('per installation: the limit holds, answers 429 with Retry-After, and lifts when the window ends', async (ctx) => {
    const t = (ctx.t = await create({ AGGREGATOR_RATE_LIMIT_PER_HOUR: '3' }));
    const address = freshAddress();
    const id = randomUUID();
    const submit = (i: number) =>
      t.submit(makeReport({ installationId: id, end: `2026-11-${String(28 - i).padStart(2, '0')}T00:00:00.000Z`, days: 1 }), { address });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await submit(i));
    assert.equal(
      results.map((r) => r.status),
      [200, 200, 200, 429, 429],
    );
    const limited = results[3];
    assert.is(limited.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    assert.is(limited.errors?.[0]?.extensions?.retryAfterSeconds, 3600, 'the clock stands at the start of its hour');
    assert.is(limited.headers.get('retry-after'), '3600');
    assert.is((await t.submit(makeReport(), { address })).status, 200, 'other installations are not affected');
    t.clock.advance(15 * MINUTE_MS);
    assert.is((await submit(5)).headers.get('retry-after'), '2700', 'Retry-After follows the clock');
    t.clock.advance(45 * MINUTE_MS);
    assert.is((await submit(6)).status, 200, 'a new hour, a new quota');
  });

  test('duplicates do not spend quota', async (ctx) => {
    const t = (ctx.t = await create({ AGGREGATOR_RATE_LIMIT_PER_HOUR: '2' }));
    const address = freshAddress();
    const report = makeReport();
    for (let i = 0; i < 5; i++) assert.is((await t.submit(report, { address })).status, 200);
    const second = await t.submit(makeReport({ installationId: report.installation.installationId, end: '2026-11-21T00:00:00.000Z' }), { address });
    assert.is((second.data as { submitReport?: { duplicate: boolean } } | undefined)?.submitReport?.duplicate, false, 'the second distinct report still fits');
  });

  test('per client address, across installations', async (ctx) => {
    const t = (ctx.t = await create({ AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '3' }));
    const address = freshAddress();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.submit(makeReport(), { address })).status);
    assert.equal(statuses, [200, 200, 200, 429]);
    assert.is((await t.submit(makeReport(), { address: freshAddress() })).status, 200);
    t.clock.advance(HOUR_MS);
    assert.is((await t.submit(makeReport(), { address })).status, 200, 'the address has a new quota in the next hour');
  });

  test('X-Forwarded-For is believed only with AGGREGATOR_TRUST_PROXY', async (ctx) => {
    const t = (ctx.t = await create({ AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1' }));
    const socket = freshAddress();
    const [first, second] = [freshAddress(), freshAddress()];
    assert.is((await t.submit(makeReport(), { address: socket, headers: { 'x-forwarded-for': first } })).status, 200);
    assert.is(
      (await t.submit(makeReport(), { address: socket, headers: { 'x-forwarded-for': second } })).status,
      429,
      'spoofed header ignored: same socket address',
    );
    await t.close();
    const p = (ctx.t = await create({ AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1', AGGREGATOR_TRUST_PROXY: '1' }));
    const proxy = freshAddress();
    assert.is((await p.submit(makeReport(), { address: proxy, headers: { 'x-forwarded-for': first } })).status, 200);
    assert.is((await p.submit(makeReport(), { address: proxy, headers: { 'x-forwarded-for': second } })).status, 200);
    assert.is(
      (await p.submit(makeReport(), { address: proxy, headers: { 'x-forwarded-for': `6.6.6.6, ${second}` } })).status,
      429,
      'the entry our proxy appended counts',
    );
  });

  test('10 concurrent calls with a limit of 3: exactly 3 pass', async (ctx) => {
    const t = (ctx.t = await create({ AGGREGATOR_RATE_LIMIT_PER_HOUR: '3' }));
    const address = freshAddress();
    const id = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.submit(makeReport({ installationId: id, end: `2026-11-${String(10 + i).padStart(2, '0')}T00:00:00.000Z`, days: 1 }), { address }),
      ),
    );
    assert.is(results.filter((r) => r.status === 200).length, 3);
    assert.is(results.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED').length, 7);
    assert.is((await t.gql<{ statsSummary: { reportsAccepted: number } }>(`{ statsSummary { reportsAccepted } }`)).data?.statsSummary.reportsAccepted, 3);
  });

  test.run();
}
