import { print } from 'graphql';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { SubmissionJobHealthDocument, type SubmissionJobHealthQuery } from '../../clients/local/__generated__/graphql.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { JobTimers } from '../helpers/job-timers.js';
import { waitFor } from '../helpers/wait.js';

const HEALTH = print(SubmissionJobHealthDocument);
type Health = SubmissionJobHealthQuery['submissionJobHealth'];

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t?: TestApp; timers: JobTimers }>(`submissionJobHealth [${db}]`);
  test.before.each((ctx) => {
    ctx.timers = new JobTimers().install();
  });
  test.after.each(async (ctx) => {
    await ctx.t?.close();
    ctx.timers.uninstall();
  });

  test('shows last and next run, outcome and what waits in the outbox, and turns stuck when a run is overdue', async (ctx) => {
    // The aggregator is unreachable: what is built stays queued.
    const refused = async () => {
      throw new TypeError('fetch failed');
    };
    const t = (ctx.t = await createTestApp({
      db,
      delivery: { transport: refused, minBackoffMs: 1 },
      env: { USAGE_STATS_RETRY_COUNT: '0', USAGE_STATS_STARTUP_DELAY: '7', USAGE_STATS_CHECK_INTERVAL: '600' },
    }));
    const health = async () => (await t.ok<{ submissionJobHealth: Health }>(HEALTH)).submissionJobHealth;

    assert.equal(await health(), {
      state: 'NOT_STARTED',
      runs: 0,
      lastRunStartedAt: null,
      lastRunFinishedAt: null,
      lastRunOutcome: null,
      nextRunAt: null,
      intervalSeconds: 600,
      stuck: false,
      queuedReports: 0,
      oldestQueuedReportAt: null,
      queuedDeletions: 0,
      lastDeliveryErrorCode: null,
    });

    await t.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
    await t.ok(`mutation { submitUsageReport { submission { status } } }`);
    const queued = await health();
    assert.is(queued.queuedReports, 1);
    assert.is(queued.oldestQueuedReportAt, '2026-11-28T12:00:00.000Z');
    assert.is(queued.lastDeliveryErrorCode, 'NETWORK_ERROR');

    await t.app.start();
    const scheduled = await health();
    assert.is(scheduled.state, 'SCHEDULED');
    assert.is(scheduled.nextRunAt, '2026-11-28T12:00:07.000Z', 'USAGE_STATS_STARTUP_DELAY after start');

    // Forget everything and ask the aggregator to delete it too: a deletion waits.
    await t.ok(`mutation { deleteUsageData(input: { deleteRemoteData: true }) { remoteDeletion } }`);
    assert.equal([(await health()).queuedReports, (await health()).queuedDeletions], [0, 1]);

    t.clock.advance(7000);
    ctx.timers.advance(7000);
    await waitFor(async () => (await health()).runs === 1 && ctx.timers.pending().includes(600_000), {
      timeoutMs: 10_000,
      message: 'the scheduled run to finish and schedule the next',
    });
    const ran = await health();
    assert.is(ran.state, 'SCHEDULED');
    assert.is(ran.lastRunOutcome, 'SUCCEEDED', 'a delivery failure is not a run failure');
    assert.is(ran.lastRunStartedAt, '2026-11-28T12:00:07.000Z');
    assert.is(ran.nextRunAt, '2026-11-28T12:10:07.000Z', 'one interval after the run');
    assert.is(ran.queuedDeletions, 1, 'the aggregator is still unreachable');
    assert.is(ran.lastDeliveryErrorCode, 'NETWORK_ERROR');
    assert.is(ran.stuck, false);

    // The timer never fires (held by JobTimers) while the clock moves on: more than an interval late.
    t.clock.advance(600_000 + 600_000 + 1000);
    assert.is((await health()).stuck, true);
  });

  test.run();
}
