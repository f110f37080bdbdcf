import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { query, toInt } from '../../../common/sql.js';
import { testDatabaseKinds } from '../../../test/helpers/databases.js';
import { createTestAggregator, makeReport, type TestAggregator } from '../helpers/aggregator.js';

/**
 * Issue 9, defect 7: the aggregator holds reports to the same privacy and plausibility rules as
 * the client (common/report/contract.ts): periods near its own (injected) clock, a firstSeenOn no
 * earlier than statistics existed and not in the future, and printer models that cannot carry an
 * address or a serial number. Each refusal is BAD_USER_INPUT naming the field; nothing is stored.
 */
const NOW = '2026-11-28T12:00:00.000Z';
const DAY = 86_400_000;
const period = (start: string, days: number) => ({ start, end: new Date(Date.parse(start) + days * DAY).toISOString(), days });

for (const kind of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator }>(`security: implausible reports are refused [${kind}]`);
  test.before(async (ctx) => {
    ctx.t = await createTestAggregator({ db: kind, now: NOW });
  });
  test.after(async (ctx) => {
    await ctx.t.close();
  });

  const stored = async (t: TestAggregator) => {
    const [row] = await query<{ n: unknown }>(t.app.services.orm.em.fork(), 'select count(*) as n from report');
    return toInt(row.n);
  };

  const refused: [string, (r: ReturnType<typeof makeReport>) => void, string | null][] = [
    ['a period in 0001', (r) => (r.period = period('0001-01-01T00:00:00.000Z', 7)), null],
    ['a period in 1970', (r) => (r.period = period('1970-01-01T00:00:00.000Z', 7)), 'input.period.start'],
    ['a period three years back', (r) => (r.period = period('2023-11-01T00:00:00.000Z', 7)), 'input.period.start'],
    ['a period in 2100', (r) => (r.period = period('2100-01-01T00:00:00.000Z', 7)), 'input.period.end'],
    ['a period in 9999', (r) => (r.period = period('9999-12-24T00:00:00.000Z', 7)), 'input.period.end'],
    ['a period ending two days ahead', (r) => (r.period = period('2026-11-23T00:00:00.000Z', 7)), 'input.period.end'],
    ['firstSeenOn 0000-01-01', (r) => (r.installation.firstSeenOn = '0000-01-01'), null],
    ['firstSeenOn 1970-01-01', (r) => (r.installation.firstSeenOn = '1970-01-01'), 'input.installation.firstSeenOn'],
    ['firstSeenOn in 2030', (r) => (r.installation.firstSeenOn = '2030-01-01'), 'input.installation.firstSeenOn'],
    ['model 192.168.1.20', (r) => (r.fleet.printerTypes[0].model = '192.168.1.20'), 'input.fleet.printerTypes.0.model'],
    ['model with an address in it', (r) => (r.fleet.printerTypes[0].model = 'P1S at 10.0.0.5'), 'input.fleet.printerTypes.0.model'],
    ['a Bambu-like serial as model', (r) => (r.fleet.printerTypes[0].model = '01P00A381200123'), 'input.fleet.printerTypes.0.model'],
    ['a Prusa-like serial as model', (r) => (r.fleet.printerTypes[1].model = 'CZPX1234X004XK12345'), 'input.fleet.printerTypes.1.model'],
    ['a long number as model', (r) => (r.fleet.printerTypes[0].model = 'SN 20231105'), 'input.fleet.printerTypes.0.model'],
  ];

  for (const [what, change, field] of refused) {
    test(`${what}: BAD_USER_INPUT, nothing stored`, async ({ t }) => {
      const report = makeReport();
      change(report);
      const res = await t.submit(report);
      assert.is(res.status, 400, JSON.stringify(res.errors));
      assert.is(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      if (field) assert.is(res.errors?.[0]?.extensions?.field, field, res.errors?.[0]?.message);
      assert.is(await stored(t), 0);
    });
  }

  test('plausible reports pass: real model names, a period ending at the next UTC midnight, one from two years back', async ({ t }) => {
    const models = ['X1 Carbon', 'MK3.5S', 'Ender 3 V2', 'A1 mini', 'Adventurer 5M Pro', 'Voron 2.4', 'CORE One L', 'other'];
    const a = makeReport({ end: '2026-11-29T00:00:00.000Z' });
    a.fleet = { printerCount: models.length, printerTypes: models.map((model) => ({ type: 'some_type', model, count: 1 })), partial: false };
    const b = makeReport();
    b.period = period('2024-12-01T00:00:00.000Z', 7);
    b.installation.firstSeenOn = '2024-11-30';
    for (const r of [a, b]) {
      const res = await t.submit(r);
      assert.is(res.status, 200, JSON.stringify(res.errors));
    }
    assert.is(await stored(t), 2);
  });

  test.run();
}
