import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { testDatabaseKinds } from '../../test/helpers/databases.js';
import { BoundedMemoryStore } from '../src/rate-limit.js';
import { createTestAggregator, makeReport, type TestAggregator } from './helpers/aggregator.js';

const units = suite('rate-limit store');
units('the in-memory store is bounded', () => {
  const store = new BoundedMemoryStore(100);
  for (let i = 0; i < 1000; i++) store.setForIdentity({ contextIdentity: `ip:10.0.${i >> 8}.${i & 255}`, fieldIdentity: 'submitReport' }, [Date.now()]);
  assert.is(store.size, 100);
});
units.run();

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator }>(`aggregator rate limits [${db}]`);
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('per installation: the limit holds, answers 429 with Retry-After', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db, env: { AGGREGATOR_RATE_LIMIT_PER_HOUR: '3' } }));
    const id = crypto.randomUUID();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await t.submit(makeReport({ installationId: id, end: `2026-11-${String(28 - i).padStart(2, '0')}T00:00:00.000Z`, days: 1 })));
    assert.equal(results.map((r) => r.status), [200, 200, 200, 429, 429]);
    const limited = results[3]!;
    assert.is(limited.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    const retry = limited.errors?.[0]?.extensions?.retryAfterSeconds;
    assert.ok(retry > 3500 && retry <= 3600, `retryAfterSeconds ${retry}`);
    assert.is(limited.headers.get('retry-after'), String(retry));
    const otherInstallation = await t.submit(makeReport());
    assert.is(otherInstallation.status, 200, 'other installations are not affected');
  });

  test('duplicates do not spend quota', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db, env: { AGGREGATOR_RATE_LIMIT_PER_HOUR: '2' } }));
    const report = makeReport();
    for (let i = 0; i < 5; i++) assert.is((await t.submit(report)).status, 200);
    const second = await t.submit(makeReport({ installationId: report.installation.installationId, end: '2026-11-21T00:00:00.000Z' }));
    assert.is(second.data?.submitReport?.duplicate, false, 'the second distinct report still fits');
  });

  test('per client address, across installations', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db, env: { AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '3' } }));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.submit(makeReport(), { address: '198.51.100.9' })).status);
    assert.equal(statuses, [200, 200, 200, 429]);
    assert.is((await t.submit(makeReport(), { address: '198.51.100.10' })).status, 200);
  });

  test('X-Forwarded-For is believed only with AGGREGATOR_TRUST_PROXY', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db, env: { AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1' } }));
    assert.is((await t.submit(makeReport(), { headers: { 'x-forwarded-for': '192.0.2.1' } })).status, 200);
    assert.is((await t.submit(makeReport(), { headers: { 'x-forwarded-for': '192.0.2.2' } })).status, 429, 'spoofed header ignored: same socket address');
    await t.close();
    const p = (ctx.t = await createTestAggregator({ db, env: { AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1', AGGREGATOR_TRUST_PROXY: '1' } }));
    assert.is((await p.submit(makeReport(), { headers: { 'x-forwarded-for': '192.0.2.1' } })).status, 200);
    assert.is((await p.submit(makeReport(), { headers: { 'x-forwarded-for': '192.0.2.2' } })).status, 200);
    assert.is((await p.submit(makeReport(), { headers: { 'x-forwarded-for': '6.6.6.6, 192.0.2.2' } })).status, 429, 'the entry our proxy appended counts');
  });

  test('10 concurrent calls with a limit of 3: exactly 3 pass', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db, env: { AGGREGATOR_RATE_LIMIT_PER_HOUR: '3' } }));
    const id = crypto.randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => t.submit(makeReport({ installationId: id, end: `2026-11-${String(10 + i).padStart(2, '0')}T00:00:00.000Z`, days: 1 }))));
    assert.is(results.filter((r) => r.status === 200).length, 3);
    assert.is(results.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED').length, 7);
    assert.is((await t.gql(`{ statsSummary { totalReports } }`)).data.statsSummary.totalReports, 3);
  });

  test.run();
}
