import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { HOUR_MS, MINUTE_MS } from '../../common/clock.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKinds } from '../helpers/databases.js';

const RECORD_MANY = `mutation($inputs: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $inputs }) { recordedCount } }`;
const STATS = `query($from: DateTime, $to: DateTime) { usageStatistics(from: $from, to: $to) {
  totalEvents firstEventAt eventCounts { type count } daily { date counts { type count } }
  lastSevenDays { jobsFinished filesDownloaded filesUploaded errorsOccurred } uptimeHours } }`;

interface TypeCount {
  type: string;
  count: number;
}
interface StatsData {
  usageStatistics: {
    totalEvents: number;
    firstEventAt: string | null;
    eventCounts: TypeCount[];
    daily: { date: string; counts: TypeCount[] }[];
    lastSevenDays: { jobsFinished: number; filesDownloaded: number; filesUploaded: number; errorsOccurred: number };
    uptimeHours: number;
  } | null;
}

const at = (iso: string, type: string, extra: Record<string, unknown> = {}) => ({ type, occurredAt: iso, ...extra });

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestApp }>(`statistics [${db}]`);
  test.before.each(async (ctx) => {
    ctx.t = await createTestApp({ db, now: '2026-11-28T12:00:00.000Z' });
  });
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('counts per type, per UTC day, and this week with seed parity', async ({ t }) => {
    await t.ok(RECORD_MANY, {
      inputs: [
        at('2026-11-10T08:00:00Z', 'JOB_COMPLETED'),
        at('2026-11-24T23:59:59.999Z', 'JOB_COMPLETED'),
        at('2026-11-25T00:00:00Z', 'JOB_FAILED'),
        at('2026-11-25T10:00:00Z', 'JOB_CANCELLED'),
        at('2026-11-26T10:00:00Z', 'FILE_DOWNLOADED'),
        at('2026-11-26T11:00:00Z', 'FILE_DOWNLOADED'),
        at('2026-11-27T11:00:00Z', 'FILE_UPLOADED'),
        at('2026-11-27T12:00:00Z', 'ERROR_OCCURRED', { errorType: 'timeout' }),
        at('2026-11-28T11:00:00Z', 'JOB_COMPLETED'),
      ],
    });
    const s = (await t.ok<StatsData>(STATS)).usageStatistics!;
    assert.is(s.totalEvents, 9);
    assert.is(s.firstEventAt, '2026-11-10T08:00:00.000Z');
    assert.equal(s.eventCounts, [
      { type: 'ERROR_OCCURRED', count: 1 },
      { type: 'FILE_DOWNLOADED', count: 2 },
      { type: 'FILE_UPLOADED', count: 1 },
      { type: 'JOB_CANCELLED', count: 1 },
      { type: 'JOB_COMPLETED', count: 3 },
      { type: 'JOB_FAILED', count: 1 },
    ]);
    assert.equal(
      s.daily.map((d) => d.date),
      ['2026-11-10', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'],
    );
    assert.equal(s.daily[2].counts, [
      { type: 'JOB_CANCELLED', count: 1 },
      { type: 'JOB_FAILED', count: 1 },
    ]);
    // The last 7 days: 2026-11-21T12:00Z .. now. Jobs = completed + failed (not cancelled).
    assert.equal(s.lastSevenDays, { jobsFinished: 3, filesDownloaded: 2, filesUploaded: 1, errorsOccurred: 1 });

    const window = (await t.ok<StatsData>(STATS, { from: '2026-11-25T00:00:00Z', to: '2026-11-27T00:00:00Z' })).usageStatistics!;
    assert.is(window.totalEvents, 4);
    assert.equal(
      window.daily.map((d) => d.date),
      ['2026-11-25', '2026-11-26'],
    );
    const bad = await t.gql(STATS, { from: '2026-11-27T00:00:00Z', to: '2026-11-25T00:00:00Z' });
    assert.is(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  test('uptime is the sum of measured sessions, never invented', async ({ t }) => {
    const { app, clock } = t;
    assert.is((await t.ok<StatsData>(STATS)).usageStatistics!.uptimeHours, 0, 'no session, no uptime');

    // Session 1: 10:00 start, heartbeats until 13:00, graceful stop at 13:30.
    clock.set('2026-11-20T10:00:00Z');
    await app.uptime.start();
    for (let i = 0; i < 36; i++) {
      clock.advance(5 * MINUTE_MS);
      await app.uptime.beat();
    }
    clock.set('2026-11-20T13:30:00Z');
    await app.uptime.stop();

    // Session 2 crashes: started 20:00, last heartbeat 21:00, never stopped.
    clock.set('2026-11-21T20:00:00Z');
    await app.uptime.start();
    clock.advance(HOUR_MS);
    await app.uptime.beat();

    clock.set('2026-11-28T12:00:00Z');
    const all = (await t.ok<StatsData>(STATS)).usageStatistics!;
    assert.is(all.uptimeHours, 4.5, '3.5 h graceful + 1 h until the last heartbeat of the crashed run');
    const part = (await t.ok<StatsData>(STATS, { from: '2026-11-20T12:00:00Z', to: '2026-11-21T20:30:00Z' })).usageStatistics!;
    assert.is(part.uptimeHours, 2, 'overlaps are clipped to the range: 1.5 h + 0.5 h');
    const counts = Object.fromEntries(all.eventCounts.map((c) => [c.type, c.count]));
    assert.equal(counts, { APP_START: 2, APP_SHUTDOWN: 1 }, 'the server records its own start and shutdown');
  });

  test.run();
}
