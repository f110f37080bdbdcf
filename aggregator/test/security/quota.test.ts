import { randomUUID } from 'node:crypto';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { query, toInt } from '../../../common/sql.js';
import { testDatabaseKinds } from '../../../test/helpers/databases.js';
import { testRedisAvailable, TEST_REDIS_URL } from '../../../test/helpers/redis.js';
import { createTempDatabase, type TempDatabase } from '../../../test/helpers/temp-database.js';
import { createTestAggregator, makeReport, type Response, type SubmitData, type TestAggregator } from '../helpers/aggregator.js';

/**
 * Issue 9, defect 1: only a stored, new report counts against the submitReport rate limit.
 * Duplicates, refusals and storage failures give their unit back; the limit still holds exactly.
 * Each case runs on one instance per database kind (counters in memory) and, with PostgreSQL and
 * Redis, on two instances sharing one Redis (the Lua scripts).
 */
interface Setup {
  name: string;
  start(env: Record<string, string>): Promise<{ instances: TestAggregator[]; close: () => Promise<void> }>;
}

const setups: Setup[] = (await testDatabaseKinds()).map((kind) => ({
  name: `${kind}, one instance, counters in memory`,
  async start(env) {
    const t = await createTestAggregator({ db: kind, env });
    return { instances: [t], close: () => t.close() };
  },
}));
if ((await testDatabaseKinds()).includes('postgresql') && (await testRedisAvailable())) {
  setups.push({
    name: 'postgresql, two instances, counters in Redis',
    async start(env) {
      const db: TempDatabase = await createTempDatabase('postgresql');
      const full = { ...env, AGGREGATOR_REDIS_URL: TEST_REDIS_URL };
      const instances = [await createTestAggregator({ db, env: full }), await createTestAggregator({ db, env: full })];
      return {
        instances,
        async close() {
          for (const i of instances) await i.close();
          await db.drop();
        },
      };
    },
  });
}

const code = (r: Response<SubmitData>) => r.errors?.[0]?.extensions?.code ?? (r.data?.submitReport?.duplicate ? 'duplicate' : 'stored');
const daily = (installationId: string, n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => makeReport({ installationId, end: new Date(Date.UTC(2026, 9, from + i)).toISOString(), days: 1 }));
/** Counters in Redis outlive a run: every test uses a fresh installation and address. */
const freshAddress = () => `198.51.100.${1 + Math.floor(Math.random() * 250)}`;

for (const setup of setups) {
  const test = suite(`security: quota is spent only by stored new reports [${setup.name}]`);

  test('a storage outage spends no quota: after recovery the installation is not locked out', async () => {
    const { instances, close } = await setup.start({ AGGREGATOR_RATE_LIMIT_PER_HOUR: '3' });
    try {
      const [a] = instances;
      const em = () => a.app.services.orm.em.fork();
      const id = randomUUID();
      const address = freshAddress();
      // Reads still work, the store's last statement fails: the write is rolled back, as in an outage mid-transaction.
      await query(em(), 'alter table installation_week rename to week_away');
      const during = [];
      for (const r of daily(id, 6)) during.push(code(await instances[during.length % instances.length].submit(r, { address })));
      assert.equal(during, Array(6).fill('SERVICE_UNAVAILABLE'));
      await query(em(), 'alter table week_away rename to installation_week');
      const after = [];
      for (const r of daily(id, 4, 10)) after.push(code(await instances[after.length % instances.length].submit(r, { address })));
      assert.equal(after, ['stored', 'stored', 'stored', 'RATE_LIMITED'], 'exactly the limit, counted from the recovery');
    } finally {
      await close();
    }
  });

  test('12 concurrent copies of one new report are stored once, and spend one unit', async () => {
    const { instances, close } = await setup.start({ AGGREGATOR_RATE_LIMIT_PER_HOUR: '12' });
    try {
      const id = randomUUID();
      const address = freshAddress();
      const [report, ...more] = daily(id, 12);
      const copies = await Promise.all(Array.from({ length: 12 }, (_, i) => instances[i % instances.length].submit(report, { address })));
      const codes = copies.map(code);
      assert.is(codes.filter((c) => c === 'stored').length, 1, codes.join());
      assert.ok(
        codes.every((c) => c === 'stored' || c === 'duplicate'),
        codes.join(),
      );
      const next = [];
      for (const r of more) next.push(code(await instances[next.length % instances.length].submit(r, { address })));
      assert.equal(next, Array(11).fill('stored'), 'the other 11 units of the hour are still there');
      assert.is(code(await instances[0].submit(daily(id, 1, 20)[0], { address })), 'RATE_LIMITED');
    } finally {
      await close();
    }
  });

  test("rivals with wrong secrets do not spend the owner's quota, racing the first report or after it", async () => {
    const { instances, close } = await setup.start({ AGGREGATOR_RATE_LIMIT_PER_HOUR: '6' });
    try {
      const id = randomUUID();
      const [first, ...later] = daily(id, 12);
      const secrets = Array.from({ length: 6 }, (_, i) => `contender-${i}-${randomUUID()}`);
      const race = await Promise.all(
        secrets.map((secret, i) =>
          instances[i % instances.length].submit(i === 0 ? first : { ...first, reportId: randomUUID() }, { secret, address: freshAddress() }),
        ),
      );
      const winners = race.flatMap((r, i) => (code(r) === 'stored' ? [secrets[i]] : []));
      assert.is(winners.length, 1, race.map(code).join());
      assert.ok(
        race.every((r) => ['stored', 'FORBIDDEN'].includes(code(r))),
        race.map(code).join(),
      );
      for (let i = 0; i < 20; i++) {
        const rival = await instances[i % instances.length].submit(later[i % later.length], { secret: `rival-${i}`, address: freshAddress() });
        assert.is(code(rival), 'FORBIDDEN');
      }
      const owner = [];
      for (const r of later.slice(0, 6)) owner.push(code(await instances[owner.length % instances.length].submit(r, { secret: winners[0] })));
      assert.equal(owner, ['stored', 'stored', 'stored', 'stored', 'stored', 'RATE_LIMITED'], 'the owner has all 5 units left after its first report');
    } finally {
      await close();
    }
  });

  test('20 concurrent new reports with a limit of 10: exactly 10 stored, 10 RATE_LIMITED', async () => {
    const { instances, close } = await setup.start({ AGGREGATOR_RATE_LIMIT_PER_HOUR: '10' });
    try {
      const id = randomUUID();
      const address = freshAddress();
      const results = await Promise.all(daily(id, 20).map((r, i) => instances[i % instances.length].submit(r, { address })));
      const codes = results.map(code);
      assert.is(codes.filter((c) => c === 'stored').length, 10, codes.join());
      assert.is(codes.filter((c) => c === 'RATE_LIMITED').length, 10, codes.join());
      const [row] = await query<{ n: unknown }>(instances[0].app.services.orm.em.fork(), 'select count(*) as n from report where installation_id = ?', [id]);
      assert.is(toInt(row.n), 10);
    } finally {
      await close();
    }
  });

  test.run();
}
