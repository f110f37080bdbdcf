import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import type { UsageReport } from '../../common/report/contract.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKinds } from '../helpers/databases.js';

const RECORD_MANY = `mutation($inputs: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $inputs }) { events { id type metadata } } }`;
const LIST = `{ usageEvents(first: 500) { edges { node { id type metadata } } } }`;
const PREVIEW = `{ reportPreview { json } }`;

interface StoredEvent {
  id: string;
  type: string;
  metadata: Record<string, unknown>;
}
const toggle = (feature: string, enabled: boolean, occurredAt: string) => ({ type: enabled ? 'FEATURE_ENABLED' : 'FEATURE_DISABLED', feature, occurredAt });

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestApp }>(`feature states and batch ids [${db}]`);
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('a batch answers each event with the id it was stored under, in the order given', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db, now: '2026-11-28T12:00:00Z' }));
    const inputs = Array.from({ length: 300 }, (_, i) => toggle(`f${i % 7}`, i % 3 === 0, `2026-11-2${1 + (i % 6)}T10:00:00Z`));
    const answered = (await t.ok<{ recordUsageEvents: { events: StoredEvent[] } }>(RECORD_MANY, { inputs })).recordUsageEvents.events;
    assert.equal(
      answered.map((e) => [e.type, e.metadata.feature]),
      inputs.map((e) => [e.type, e.feature]),
    );
    const ids = answered.map((e) => Number(e.id));
    assert.ok(
      ids.every((id, i) => i === 0 || id > ids[i - 1]),
      `ids not increasing: ${ids.join(',')}`,
    );
    const stored = new Map((await t.ok<{ usageEvents: { edges: { node: StoredEvent }[] } }>(LIST)).usageEvents.edges.map((e) => [e.node.id, e.node]));
    for (const e of answered) assert.equal(stored.get(e.id), e, `event ${e.id} is stored as answered`);
  });

  test("each feature's state is its latest toggle before the end; at the same instant the one recorded later wins", async (ctx) => {
    const t = (ctx.t = await createTestApp({ db, now: '2026-11-28T12:00:00Z', env: { USAGE_STATS_SUBMISSION_INTERVAL_DAYS: '7' } }));
    await t.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
    const same = '2026-11-25T08:00:00Z';
    await t.ok(RECORD_MANY, {
      inputs: [
        toggle('camera', true, same),
        toggle('camera', false, same), // same instant, later in the batch: wins
        toggle('queue', false, same),
        toggle('queue', true, same),
        toggle('backups', true, '2026-11-26T00:00:00Z'),
        toggle('backups', false, '2026-11-24T00:00:00Z'), // recorded later but happened earlier: loses
        toggle('library', true, '2026-11-01T00:00:00Z'), // before the period: still the state
        toggle('library', false, '2026-11-28T00:00:00Z'), // at the end (exclusive): not yet
      ],
    });
    await t.ok(RECORD_MANY, { inputs: [toggle('notifications', false, same)] });
    await t.ok(RECORD_MANY, { inputs: [toggle('notifications', true, same)] }); // a later batch, same instant: wins
    const report = (await t.ok<{ reportPreview: { json: UsageReport } }>(PREVIEW)).reportPreview.json;
    assert.equal(report.features, [
      { feature: 'backups', enabled: true },
      { feature: 'camera', enabled: false },
      { feature: 'library', enabled: true },
      { feature: 'notifications', enabled: true },
      { feature: 'queue', enabled: true },
    ]);
  });

  test.run();
}
