import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { withDriverConnection, withReadConnection } from '../../common/driver.js';
import { dayNumberSql } from '../../common/sql.js';
import { column, fragment, sql } from '../../common/typed-sql.js';
import { testDatabaseKinds } from '../../test/helpers/databases.js';
import { createTestAggregator, makeReport, type TestAggregator } from './helpers/aggregator.js';

const units = suite('named SQL');
units('names become positional placeholders in order, a repeated name binds twice, fragments are spliced', () => {
  const s = sql<{ id: string; at: Date }>`select 1 from t where id = ${'id'} and a <= ${'at'} and b > ${'at'} ${fragment('order by a')}`;
  assert.is(s.text, 'select 1 from t where id = ? and a <= ? and b > ? order by a');
  const at = new Date('2026-11-28T00:00:00Z');
  assert.equal(s.bind({ id: 'x', at }), ['x', at, at]);
  assert.throws(() => s.bind({ id: 'x' } as never), /"at" has no value/);
  assert.equal(sql<{ c: string | null }>`${'c'}`.bind({ c: null }), [null], 'null is a value; only a missing parameter is refused');
});
units.run();

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator }>(`named SQL on the aggregator's tables [${db}]`);
  test.before.each(async (ctx) => {
    ctx.t = await createTestAggregator({ db });
  });
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('rows come back with their named columns decoded the same on both databases', async ({ t }) => {
    const report = makeReport();
    await t.submit(report);
    const em = t.app.services.orm.em.fork();
    const q = sql<{ id: string; since: Date }>`
      select id, printer_count, last_report_at, country_code, features, ${fragment(dayNumberSql(db, 'last_report_at'))} as day
      from installation where id = ${'id'} and last_report_at >= ${'since'} and first_report_at >= ${'since'}`.returning({
      id: column.text,
      printer_count: column.int,
      last_report_at: column.date,
      country_code: column.nullableText,
      features: column.json<{ feature: string; enabled: boolean }[]>(),
      day: column.int,
    });
    const row = await q.one(em, { id: report.installation.installationId, since: new Date('2026-11-28T00:00:00Z') });
    assert.equal(row, {
      id: report.installation.installationId,
      printer_count: 2,
      last_report_at: new Date('2026-11-28T12:00:00.000Z'),
      country_code: 'DE',
      features: [{ feature: 'timelapse', enabled: true }],
      day: Math.floor(Date.parse('2026-11-28T12:00:00Z') / 86_400_000),
    });
    assert.is(
      await q.one(em, { id: report.installation.installationId, since: new Date('2026-11-29T00:00:00Z') }),
      undefined,
      'a Date parameter compares as an instant',
    );
  });

  test('a misspelt result column fails loudly instead of reading as 0', async ({ t }) => {
    const em = t.app.services.orm.em.fork();
    const q = sql`select count(*) as n from installation`.returning({ count: column.int });
    try {
      await q.all(em, {});
      assert.unreachable('a missing column must throw');
    } catch (err) {
      assert.match(String(err), /no column "count"/);
    }
  });

  test('run returns the affected rows', async ({ t }) => {
    await t.submit(makeReport());
    await t.submit(makeReport());
    const em = t.app.services.orm.em.fork();
    const touched = await sql<{ at: Date }>`update installation set last_report_at = ${'at'} where last_report_at < ${'at'}`.run(em, {
      at: new Date('2026-12-01T00:00:00Z'),
    });
    assert.is(touched, 2);
  });

  test('on the driver connection (prepared, run again) a statement reads and writes what it does through MikroORM', async ({ t }) => {
    const report = makeReport();
    await t.submit(report);
    const em = t.app.services.orm.em.fork();
    const q = sql<{ id: string; since: Date }>`
      select id, last_report_at, country_code, printer_types from installation where id = ${'id'} and last_report_at >= ${'since'}`.returning({
      id: column.text,
      last_report_at: column.date,
      country_code: column.nullableText,
      printer_types: column.json<unknown>(),
    });
    const params = { id: report.installation.installationId, since: new Date('2026-11-28T00:00:00Z') };
    const viaOrm = await q.one(em, params);
    assert.ok(viaOrm);
    for (let run = 0; run < 2; run++) {
      assert.equal(await withDriverConnection(em, db, (c) => q.oneOn(c, params)), viaOrm, `pool connection, run ${run + 1}`);
      assert.equal(await withReadConnection(em, db, (c) => q.oneOn(c, params)), viaOrm, `read connection, run ${run + 1}`);
    }
    const later = sql<{ at: Date }>`update installation set last_report_at = ${'at'} where last_report_at < ${'at'}`;
    const at = new Date('2026-12-01T00:00:00Z');
    assert.is(await withDriverConnection(em, db, (c) => later.runOn(c, { at })), 1, 'affected rows');
    assert.equal((await withReadConnection(em, db, (c) => q.oneOn(c, params)))?.last_report_at, at, 'the read connection sees the commit');
  });

  test.run();
}
