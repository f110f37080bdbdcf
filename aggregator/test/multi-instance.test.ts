import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { query, toInt } from '../../common/sql.js';
import { redisReachable, TEST_REDIS_URL } from '../../test/helpers/redis.js';
import { createTempDatabase, postgresReachable, type TempDatabase } from '../../test/helpers/temp-database.js';
import { createTestAggregator, makeReport, type TestAggregator } from './helpers/aggregator.js';

const flag = (name: string, probe: () => Promise<boolean>) => (process.env[name] === undefined ? probe() : Promise.resolve(process.env[name] === '1'));
const available = (await flag('PZS_TEST_POSTGRES', () => postgresReachable())) && (await flag('PZS_TEST_REDIS', () => redisReachable()));

const test = suite<{ db: TempDatabase; a: TestAggregator; b: TestAggregator }>('two aggregator instances on one PostgreSQL and one Redis');

if (!available) {
  test.skip('needs PostgreSQL and Redis', () => {});
} else {
  test.before.each(async (ctx) => {
    ctx.db = await createTempDatabase('postgresql');
    const env = { AGGREGATOR_REDIS_URL: TEST_REDIS_URL, AGGREGATOR_RATE_LIMIT_PER_HOUR: '10' };
    ctx.a = await createTestAggregator({ db: ctx.db, env });
    ctx.b = await createTestAggregator({ db: ctx.db, env });
  });
  test.after.each(async (ctx) => {
    await ctx.a.close();
    await ctx.b.close();
    await ctx.db.drop();
  });

  test('20 concurrent reports of one installation with a limit of 10: exactly 10 accepted', async ({ a, b }) => {
    const id = crypto.randomUUID();
    const address = `198.18.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
    const reports = Array.from({ length: 20 }, (_, i) => makeReport({ installationId: id, end: new Date(Date.UTC(2026, 9, 1 + i)).toISOString(), days: 1 }));
    const results = await Promise.all(reports.map((r, i) => (i % 2 ? a : b).submit(r, { address })));
    assert.is(results.filter((r) => r.data?.submitReport?.reportId).length, 10);
    assert.is(results.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED').length, 10);
    const [row] = await query<{ n: unknown }>(a.app.services.orm.em.fork(), 'select count(*) as n from report');
    assert.is(toInt(row.n), 10);
  });

  test('the same reportId sent concurrently to both instances is stored once', async ({ a, b }) => {
    const report = makeReport();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).submit(report)));
    assert.ok(
      results.every((r) => r.data?.submitReport?.reportId),
      JSON.stringify(results.map((r) => r.errors)),
    );
    assert.is(results.filter((r) => r.data!.submitReport!.duplicate === false).length, 1);
    const em = a.app.services.orm.em.fork();
    const [reports] = await query<{ n: unknown }>(em, 'select count(*) as n from report');
    const [weeks] = await query<{ n: unknown }>(em, 'select sum(reports) as n from installation_week');
    assert.equal([toInt(reports.n), toInt(weeks.n)], [1, 1], 'counted once in the rollup too');
  });
}

test.run();
