import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import sqlite3 from 'sqlite3';

import { UsageEvent } from '../../src/entities/usage-event.entity.js';
import { createTestApp, memoryLogger, type TestApp } from '../helpers/app.js';
import { testDatabaseKinds } from '../helpers/databases.js';

type SettingsData = { usageSettings: { consent: 'UNDECIDED' | 'GRANTED' | 'DENIED' } };

const RECORD = `mutation($input: RecordUsageEventInput!) { recordUsageEvent(input: $input) { event { id } } }`;

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestApp }>(`safety [${db}]`);
  test.after.each(async (ctx) => {
    await ctx.t?.close().catch(() => {});
  });

  test('GET /health answers 200', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    const res = await t.app.yoga.fetch('http://test/health');
    assert.is(res.status, 200);
  });

  test('CSRF: a simple cross-site request is refused, a JSON request passes', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    const form = await t.app.yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=mutation%20%7B%20optInUsageStatistics%20%7B%20consent%20%7D%20%7D',
    });
    assert.is(form.status, 403);
    const get = await t.app.yoga.fetch('http://test/graphql?query=%7BusageSettings%7Bconsent%7D%7D');
    assert.is(get.status, 403);
    assert.is((await t.ok<SettingsData>(`{ usageSettings { consent } }`)).usageSettings.consent, 'UNDECIDED');
  });

  test('the alias limit holds', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    const aliases = Array.from({ length: 25 }, (_, i) => `a${i}: usageSettings { consent }`).join(' ');
    const res = await t.gql(`{ ${aliases} }`);
    assert.ok(res.errors?.length, 'too many aliases');
    assert.match(res.errors[0].message, /alias/i);
  });

  test('a storage fault answers SERVICE_UNAVAILABLE, is logged, and the server keeps serving', async (ctx) => {
    const { logger, entries } = memoryLogger();
    const t = (ctx.t = await createTestApp({ db, logger, env: { SQLITE_BUSY_TIMEOUT_MS: '200' } }));
    await t.ok(RECORD, { input: { type: 'APP_START' } });
    if (db === 'sqlite') {
      // Another process holds the write lock.
      const file = t.db.url.slice('sqlite:'.length);
      const other = new sqlite3.Database(file);
      await new Promise<void>((ok, fail) => other.exec('BEGIN EXCLUSIVE', (e) => (e ? fail(e) : ok())));
      const res = await t.gql(RECORD, { input: { type: 'JOB_CREATED' } });
      assert.is(res.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE');
      assert.match(res.errors![0].message, /not stored/);
      assert.ok(
        entries.some((e) => e.msg === 'usage event not stored' && e.level === 50),
        'logged for the operator',
      );
      assert.is((await t.ok<SettingsData>(`{ usageSettings { consent } }`)).usageSettings.consent, 'UNDECIDED', 'reads go on while locked');
      await new Promise<void>((ok, fail) => other.exec('COMMIT', (e) => (e ? fail(e) : ok())));
      await new Promise<void>((ok) => other.close(() => ok()));
      await t.ok(RECORD, { input: { type: 'JOB_CREATED' } });
      assert.is(await t.app.orm.em.fork().count(UsageEvent, {}), 2, 'nothing half-written: the refused event is absent');
    }
    // The database goes away entirely.
    await t.app.orm.close(true);
    const gone = await t.gql(RECORD, { input: { type: 'JOB_CREATED' } });
    assert.is(gone.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE');
    const masked = await t.gql(`{ usageSettings { consent } }`);
    assert.is(masked.errors?.[0]?.message, 'Unexpected error.', 'unexpected errors are masked');
    assert.is(masked.errors?.[0]?.extensions?.code, 'INTERNAL_SERVER_ERROR');
    assert.ok(
      entries.some((e) => e.msg === 'unexpected error in a GraphQL request' && e.err),
      'and logged with the cause',
    );
    const health = await t.app.yoga.fetch('http://test/health');
    assert.is(health.status, 200, 'the process still answers');
  });

  test('50 concurrent writers all succeed', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    const results = await Promise.all(Array.from({ length: 50 }, () => t.gql(RECORD, { input: { type: 'FILE_DOWNLOADED', fileSizeBytes: 1 } })));
    assert.equal(
      results.filter((r) => r.errors).map((r) => r.errors),
      [],
    );
    assert.is(await t.app.orm.em.fork().count(UsageEvent, {}), 50);
  });

  test.run();
}
