import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { MINUTE_MS } from '../../common/clock.js';
import { UptimeSession } from '../../src/entities/uptime-session.entity.js';
import { createTestApp, memoryLogger } from '../helpers/app.js';
import { JobTimers } from '../helpers/job-timers.js';
import { waitFor } from '../helpers/wait.js';

const test = suite('the local app wires its jobs (src/app.ts)');

test('start schedules submission, retention and heartbeat; they run on time; stop leaves no timer behind', async () => {
  const timers = new JobTimers().install();
  const { logger, entries } = memoryLogger();
  const t = await createTestApp({ db: 'sqlite', logger, env: { USAGE_STATS_STARTUP_DELAY: '7', USAGE_STATS_CHECK_INTERVAL: '600' } });
  let closed = false;
  try {
    assert.equal(timers.pending(), [], 'creating the app starts nothing');
    await t.app.start();
    // Submission after USAGE_STATS_STARTUP_DELAY, retention after a minute, the heartbeat after five.
    assert.equal(timers.pending(), [7_000, 60_000, 5 * MINUTE_MS]);

    t.clock.advance(5 * MINUTE_MS);
    assert.is(timers.advance(5 * MINUTE_MS), 3, 'all three fell due');
    await waitFor(() => timers.pending().length === 3, { timeoutMs: 10_000, message: 'the three jobs to finish their runs and schedule the next' });
    const [session] = await t.app.orm.em.fork().find(UptimeSession, {});
    assert.is(session?.lastSeenAt.toISOString(), '2026-11-28T12:05:00.000Z', 'the heartbeat ran and stamped the clock time');
    // Each job waits its interval from the end of its last run: heartbeat, submission check, retention.
    assert.equal(timers.pending(), [5 * MINUTE_MS, 600_000, 86_400_000]);
    assert.equal(
      entries.filter((e) => e.msg === 'job run failed'),
      [],
      'every run succeeded',
    );

    closed = true;
    await t.close();
    assert.equal(timers.pending(), [], 'stop cleared every job timer');
  } finally {
    if (!closed) await t.close();
    timers.uninstall();
  }
});

test.run();
