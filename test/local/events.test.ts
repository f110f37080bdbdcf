import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { USAGE_EVENT_TYPES } from '../../src/entities/usage-event.entity.js';
import { allowedFields } from '../../src/services/events.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKinds } from '../helpers/databases.js';

const RECORD = `mutation($input: RecordUsageEventInput!) { recordUsageEvent(input: $input) { event { id type occurredAt metadata reportId } } }`;
const RECORD_MANY = `mutation($inputs: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $inputs }) { recordedCount } }`;
const COUNT = `{ usageEvents(first: 1) { totalCount } }`;

interface RecordedEvent {
  id: string;
  type: string;
  occurredAt: string;
  metadata: Record<string, unknown>;
  reportId: string | null;
}
type Recorded = { recordUsageEvent: { event: RecordedEvent } | null };
type RecordedMany = { recordUsageEvents: { recordedCount: number } | null };
type Count = { usageEvents: { totalCount: number } | null };
interface EventPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: { id: string; type: string; occurredAt: string } }[];
}

/** A valid value for every metadata field. */
const SAMPLE: Record<string, unknown> = {
  printerType: 'bambu_lab',
  durationSeconds: 3_600,
  fileSizeBytes: 2_000_000,
  autoCreated: true,
  errorType: 'connection_timeout',
  component: 'mqtt',
  feature: 'timelapse',
};

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestApp }>(`events [${db}]`);
  test.before.each(async (ctx) => {
    ctx.t = await createTestApp({ db });
  });
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('every event type is recorded with every field it allows', async ({ t }) => {
    for (const type of USAGE_EVENT_TYPES) {
      const input = { type, ...Object.fromEntries(allowedFields(type).map((f) => [f, SAMPLE[f]])) };
      const data = await t.ok<Recorded>(RECORD, { input });
      assert.is(data.recordUsageEvent?.event.type, type);
      assert.is(data.recordUsageEvent?.event.occurredAt, '2026-11-28T12:00:00.000Z', 'occurredAt defaults to now');
      assert.is(data.recordUsageEvent?.event.reportId, null);
    }
    assert.is((await t.ok<Count>(COUNT)).usageEvents?.totalCount, USAGE_EVENT_TYPES.length);
  });

  test('each event type refuses every field it does not allow, and stores nothing', async ({ t }) => {
    let refusals = 0;
    for (const type of USAGE_EVENT_TYPES) {
      for (const field of Object.keys(SAMPLE).filter((f) => !allowedFields(type).includes(f as never))) {
        const res = await t.gql(RECORD, {
          input: {
            type,
            [field]: SAMPLE[field],
            ...(type === 'ERROR_OCCURRED' ? { errorType: 'x' } : {}),
            ...(type.startsWith('FEATURE') ? { feature: 'x' } : {}),
          },
        });
        assert.is(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `${type}.${field}`);
        assert.is(res.errors?.[0]?.extensions?.field, `input.${field}`);
        assert.match(res.errors![0].message, /not allowed for/);
        refusals++;
      }
    }
    assert.ok(refusals > 50);
    assert.is((await t.ok<Count>(COUNT)).usageEvents?.totalCount, 0);
  });

  test('strings must be slugs; free text, paths and serials are refused', async ({ t }) => {
    for (const bad of ['Living Room X1C', '/home/me/benchy.gcode', 'a'.repeat(65), '', 'UPPER', '-leading', 'ok\nnewline']) {
      const res = await t.gql(RECORD, { input: { type: 'ERROR_OCCURRED', errorType: bad } });
      assert.is(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', bad);
      assert.is(res.errors?.[0]?.extensions?.field, 'input.errorType');
    }
    const res = await t.gql(RECORD, { input: { type: 'FEATURE_ENABLED', feature: 'Timelapse' } });
    assert.is(res.errors?.[0]?.extensions?.field, 'input.feature');
    assert.is((await t.ok<Count>(COUNT)).usageEvents?.totalCount, 0);
  });

  test('required fields, numeric ranges and unknown types are checked', async ({ t }) => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'ERROR_OCCURRED' }, 'input.errorType'],
      [{ type: 'FEATURE_DISABLED' }, 'input.feature'],
      [{ type: 'JOB_COMPLETED', durationSeconds: -1 }, 'input.durationSeconds'],
      [{ type: 'JOB_FAILED', durationSeconds: 91 * 86_400 }, 'input.durationSeconds'],
      [{ type: 'FILE_UPLOADED', fileSizeBytes: -5 }, 'input.fileSizeBytes'],
    ];
    for (const [input, field] of cases) {
      const res = await t.gql(RECORD, { input });
      assert.is(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(input));
      assert.is(res.errors?.[0]?.extensions?.field, field);
    }
    const unknown = await t.gql(RECORD, { input: { type: 'PRINT_STARTED' } });
    assert.is(unknown.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const extra = await t.gql(RECORD, { input: { type: 'APP_START', hostname: 'my-pi' } });
    assert.is(extra.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', 'an undeclared input field is refused by GraphQL itself');
    assert.is((await t.ok<Count>(COUNT)).usageEvents?.totalCount, 0);
  });

  test('durations are stored in whole minutes and sizes in 0.01 MB', async ({ t }) => {
    const a = await t.ok<Recorded>(RECORD, { input: { type: 'JOB_COMPLETED', durationSeconds: 89 } });
    assert.equal(a.recordUsageEvent?.event.metadata, { durationMinutes: 1 });
    const b = await t.ok<Recorded>(RECORD, { input: { type: 'JOB_CANCELLED', durationSeconds: 90 } });
    assert.equal(b.recordUsageEvent?.event.metadata, { durationMinutes: 2 });
    const c = await t.ok<Recorded>(RECORD, { input: { type: 'FILE_DOWNLOADED', fileSizeBytes: 1_234_567 } });
    assert.equal(c.recordUsageEvent?.event.metadata, { fileSizeMb: 1.18 });
    const d = await t.ok<Recorded>(RECORD, { input: { type: 'JOB_CREATED', autoCreated: false, printerType: 'prusa' } });
    assert.equal(d.recordUsageEvent?.event.metadata, { autoCreated: false, printerType: 'prusa' });
  });

  test('occurredAt may lie at most 5 minutes ahead', async ({ t }) => {
    const ok = await t.ok<Recorded>(RECORD, { input: { type: 'APP_START', occurredAt: '2026-11-28T12:05:00.000Z' } });
    assert.is(ok.recordUsageEvent?.event.occurredAt, '2026-11-28T12:05:00.000Z');
    const past = await t.ok<Recorded>(RECORD, { input: { type: 'APP_START', occurredAt: '2026-01-01T00:00:00+02:00' } });
    assert.is(past.recordUsageEvent?.event.occurredAt, '2025-12-31T22:00:00.000Z', 'offsets are normalised to UTC');
    const ahead = await t.gql(RECORD, { input: { type: 'APP_START', occurredAt: '2026-11-28T12:05:00.001Z' } });
    assert.is(ahead.errors?.[0]?.extensions?.field, 'input.occurredAt');
    const garbage = await t.gql(RECORD, { input: { type: 'APP_START', occurredAt: 'yesterday' } });
    assert.is(garbage.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.is((await t.ok<Count>(COUNT)).usageEvents?.totalCount, 2);
  });

  test('recordUsageEvents is all or nothing and names the bad item', async ({ t }) => {
    const inputs = Array.from({ length: 10 }, () => ({ type: 'JOB_CREATED' }));
    inputs[7] = { type: 'JOB_CREATED', durationSeconds: 5 } as never;
    const res = await t.gql(RECORD_MANY, { inputs });
    assert.is(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.is(res.errors?.[0]?.extensions?.field, 'input.events.7.durationSeconds');
    assert.is((await t.ok<Count>(COUNT)).usageEvents?.totalCount, 0);
    inputs[7] = { type: 'JOB_CREATED' };
    assert.is((await t.ok<RecordedMany>(RECORD_MANY, { inputs })).recordUsageEvents?.recordedCount, 10);
    assert.is((await t.ok<Count>(COUNT)).usageEvents?.totalCount, 10);
  });

  test('recordUsageEvents takes at most 1000 events', async ({ t }) => {
    const full = await t.ok<RecordedMany>(RECORD_MANY, { inputs: Array.from({ length: 1000 }, () => ({ type: 'FILE_UPLOADED', fileSizeBytes: 10 })) });
    assert.is(full.recordUsageEvents?.recordedCount, 1000);
    const over = await t.gql(RECORD_MANY, { inputs: Array.from({ length: 1001 }, () => ({ type: 'APP_START' })) });
    assert.is(over.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.is(over.errors?.[0]?.extensions?.field, 'input.events');
    assert.is((await t.ok<Count>(COUNT)).usageEvents?.totalCount, 1000);
  });

  test('usageEvents pages newest first with filters, cursors and totalCount', async ({ t }) => {
    const inputs = Array.from({ length: 25 }, (_, i) => ({
      type: i % 5 === 0 ? 'JOB_FAILED' : 'JOB_COMPLETED',
      occurredAt: new Date(Date.UTC(2026, 10, 1 + i, 10)).toISOString(),
    }));
    // Two events at the same instant: the cursor must still separate them.
    inputs.push({ type: 'JOB_COMPLETED', occurredAt: inputs[24].occurredAt });
    await t.ok(RECORD_MANY, { inputs });
    const Q = `query($after: String, $type: UsageEventType, $from: DateTime, $to: DateTime) {
      usageEvents(first: 10, after: $after, type: $type, from: $from, to: $to) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id type occurredAt } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: EventPage = (await t.ok<{ usageEvents: EventPage | null }>(Q, { after })).usageEvents!;
      assert.is(page.totalCount, 26);
      seen.push(...page.edges.map((e) => e.node.occurredAt + e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after && pages < 10);
    assert.is(pages, 3, 'three pages of 10, 10 and 6, and no endless paging');
    assert.is(new Set(seen).size, 26, 'no event twice, none skipped');
    assert.equal([...seen], [...seen].sort().reverse(), 'newest first');

    const failed = (await t.ok<{ usageEvents: EventPage | null }>(Q, { type: 'JOB_FAILED' })).usageEvents!;
    assert.is(failed.totalCount, 5);
    assert.ok(failed.edges.every((e) => e.node.type === 'JOB_FAILED'));
    const window = (await t.ok<{ usageEvents: EventPage | null }>(Q, { from: '2026-11-03T00:00:00Z', to: '2026-11-06T00:00:00Z' })).usageEvents!;
    assert.equal(
      window.edges.map((e) => e.node.occurredAt.slice(0, 10)),
      ['2026-11-05', '2026-11-04', '2026-11-03'],
    );

    const badCursor = await t.gql(Q, { after: 'bm90LWEtY3Vyc29y' });
    assert.is(badCursor.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const tooMany = await t.gql(`{ usageEvents(first: 501) { totalCount } }`);
    assert.is(tooMany.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  test.run();
}
