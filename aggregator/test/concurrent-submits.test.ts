import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { query } from '../../common/sql.js';
import { testDatabaseKinds } from '../../test/helpers/databases.js';
import { createTestAggregator, makeReport, type TestAggregator } from './helpers/aggregator.js';

/**
 * Submits that arrive together (on SQLite they share one transaction): every report gets its own
 * answer, and one that is refused inside the shared transaction takes nothing else down with it.
 */
for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator }>(`aggregator concurrent submits [${db}]`);
  test.before.each(async (ctx) => {
    ctx.t = await createTestAggregator({ db });
  });
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  const counts = async (t: TestAggregator) => {
    const [row] = await query<{ reports: number | string; installations: number | string }>(
      t.app.services.orm.em.fork(),
      'select (select count(*) from report) as reports, (select count(*) from installation) as installations',
    );
    return { reports: Number(row.reports), installations: Number(row.installations) };
  };

  test('thirty reports at once are all stored, each counted once in its week', async ({ t }) => {
    const reports = Array.from({ length: 30 }, () => makeReport());
    const results = await Promise.all(reports.map((r) => t.submit(r)));
    assert.equal(
      results.map((r) => [r.status, r.data?.submitReport?.duplicate]),
      reports.map(() => [200, false]),
      JSON.stringify(results.map((r) => r.errors)),
    );
    assert.equal(await counts(t), { reports: 30, installations: 30 });
    const [week] = await query<{ n: number | string; sum: number | string }>(
      t.app.services.orm.em.fork(),
      'select count(*) as n, sum(reports) as sum from installation_week',
    );
    assert.equal([Number(week.n), Number(week.sum)], [30, 30]);
  });

  test('two first reports of one installation with different secrets, among others: one wins, the other is FORBIDDEN, the rest are stored', async ({ t }) => {
    const first = makeReport();
    const rival = makeReport({ installationId: first.installation.installationId });
    const others = Array.from({ length: 10 }, () => makeReport());
    const [a, b, ...rest] = await Promise.all([
      t.submit(first, { secret: 'secret-one-0123456789' }),
      t.submit(rival, { secret: 'secret-two-0123456789' }),
      ...others.map((r) => t.submit(r)),
    ]);
    const codes = [a, b].map((r) => r.errors?.[0]?.extensions?.code ?? 'stored');
    assert.equal([...codes].sort(), ['FORBIDDEN', 'stored'], JSON.stringify([a.errors, b.errors]));
    assert.ok(
      rest.every((r) => r.status === 200 && r.data?.submitReport?.duplicate === false),
      JSON.stringify(rest.map((r) => r.errors)),
    );
    assert.equal(await counts(t), { reports: 11, installations: 11 });
  });

  test('a newer and an older report of one installation at once: the newer state stays, both are stored', async ({ t }) => {
    const installationId = crypto.randomUUID();
    await t.submit(makeReport({ installationId, end: '2026-11-14T00:00:00.000Z', installation: { appVersion: '2.40.0' } }));
    const newer = makeReport({ installationId, end: '2026-11-28T00:00:00.000Z', installation: { appVersion: '2.42.0' } });
    const older = makeReport({ installationId, end: '2026-11-21T00:00:00.000Z', installation: { appVersion: '2.41.0' } });
    const results = await Promise.all([t.submit(newer), t.submit(older)]);
    assert.ok(
      results.every((r) => r.status === 200),
      JSON.stringify(results.map((r) => r.errors)),
    );
    const [row] = await query<{ app_version: string }>(t.app.services.orm.em.fork(), 'select app_version from installation where id = ?', [installationId]);
    assert.is(row.app_version, '2.42.0');
    assert.equal(await counts(t), { reports: 3, installations: 1 });
  });

  test.run();
}
