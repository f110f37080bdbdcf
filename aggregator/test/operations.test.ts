import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';

import { testDatabaseKinds } from '../../test/helpers/databases.js';
import { query } from '../../common/sql.js';
import { createTestAggregator, makeReport, SUBMIT, API_KEY, type TestAggregator } from './helpers/aggregator.js';

/** What `{ health { status database redis } }` selects. */
interface HealthData {
  health: { status: string; database: boolean; redis: boolean | null };
}

const get = (t: TestAggregator, path: string) => t.app.yoga.fetch(`http://aggregator.test${path}`);

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator }>(`aggregator operations [${db}]`);
  test.after.each(async (ctx) => {
    await ctx.t?.close().catch(() => {});
  });

  test('/health is alive; /ready and health really ask the database', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db }));
    assert.is((await get(t, '/health')).status, 200);
    const ready = await get(t, '/ready');
    assert.is(ready.status, 200);
    assert.equal(await ready.json(), { status: 'ok', database: true, redis: null });
    assert.equal((await t.gql<HealthData>(`{ health { status database redis } }`)).data?.health, { status: 'OK', database: true, redis: null });
    await t.app.services.orm.close(true);
    const down = await get(t, '/ready');
    assert.is(down.status, 503);
    assert.equal(await down.json(), { status: 'unavailable', database: false, redis: null });
  });

  test('/ready is 503 when the configured Redis does not answer', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db, env: { AGGREGATOR_REDIS_URL: 'redis://127.0.0.1:1' } }));
    const res = await get(t, '/ready');
    assert.is(res.status, 503);
    assert.equal(await res.json(), { status: 'unavailable', database: true, redis: false });
    const submit = await t.submit(makeReport());
    assert.is(submit.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE', 'no rate limiting, no ingest: the client retries later');
  });

  test('/metrics counts accepted, duplicate, rejected and rate-limited reports', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db, env: { AGGREGATOR_RATE_LIMIT_PER_HOUR: '1' } }));
    const report = makeReport();
    await t.submit(report);
    await t.submit(report);
    await t.submit(makeReport({ installationId: report.installation.installationId, end: '2026-11-21T00:00:00.000Z' }));
    await t.gql(SUBMIT, { input: makeReport() }, { headers: { 'x-api-key': 'nope-nope-nope-nope' } });
    const text = await (await get(t, '/metrics')).text();
    assert.match(text, /aggregator_reports_total\{result="accepted",code=""\} 1/);
    assert.match(text, /aggregator_reports_total\{result="duplicate",code=""\} 1/);
    assert.match(text, /aggregator_reports_total\{result="rejected",code="RATE_LIMITED"\} 1/);
    assert.match(text, /aggregator_reports_total\{result="rejected",code="UNAUTHENTICATED"\} 1/);
    assert.match(text, /aggregator_rate_limited_total\{scope="installation"\} 1/);
    assert.match(text, /aggregator_request_duration_seconds_count\{operation="submitReport"\} 4/);
    assert.match(text, /aggregator_process_cpu_seconds_total/);
  });

  test('privacy: no client address reaches a table or a log line', async (ctx) => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (l: string) => lines.push(l) });
    const t = (ctx.t = await createTestAggregator({ db, logger, env: { AGGREGATOR_TRUST_PROXY: '1', AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '2' } }));
    const addresses = ['198.51.100.23', '2001:db8::beef', '203.0.113.99', '192.0.2.77'];
    for (const [i, address] of addresses.entries()) {
      const report = makeReport();
      await t.submit(report, { address, headers: { 'x-forwarded-for': `10.9.8.${i}` } });
      await t.submit(report, { address });
      await t.submit(makeReport(), { address, headers: { 'x-forwarded-for': `10.9.8.${i}` } });
      await t.submit(makeReport(), { address, headers: { 'x-forwarded-for': `10.9.8.${i}` } }); // rate limited
      await t.gql(SUBMIT, { input: { ...report, reportId: 'x' } }, { address, headers: { 'x-api-key': API_KEY } }); // invalid
    }
    const em = t.app.services.orm.em.fork();
    const dump = JSON.stringify([
      await query(em, 'select * from installation'),
      await query(em, 'select * from report'),
      await query(em, 'select * from installation_week'),
    ]);
    assert.ok(dump.includes('2.42.0'), 'the dump has the data');
    for (const a of [...addresses, '10.9.8.0', '10.9.8.1', '10.9.8.2', '10.9.8.3', '198.51.100', '2001:db8']) {
      assert.not.ok(dump.includes(a), `${a} is stored`);
      assert.not.ok(lines.join('\n').includes(a), `${a} is logged`);
    }
  });

  test.run();
}
