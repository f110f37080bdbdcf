/**
 * The three things that got in the way of a new user, through GraphQL against a real aggregator:
 * remote deletion waited for the next check, nextSubmissionAt said "now" while nothing went until
 * the next check, and the preview looked empty right after events were recorded.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { MINUTE_MS } from '../../common/clock.js';
import { query, toInt } from '../../common/sql.js';
import { UsageSettings } from '../../src/entities/usage-settings.entity.js';
import { createPair, type Pair } from '../e2e/harness.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { JobTimers } from '../helpers/job-timers.js';
import { waitFor } from '../helpers/wait.js';

const OPT_IN = `mutation { optInUsageStatistics { usageSettings { consent } } }`;
const SUBMIT = `mutation { submitUsageReport { submission { status } } }`;
const RECORD_MANY = `mutation($inputs: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $inputs }) { recordedCount } }`;
const DELETE_REMOTE = `mutation { deleteUsageData(input: { deleteRemoteData: true }) {
  remoteDeletion remoteDeletionRequest { status attempts lastError nextAttemptAt doneAt requestedAt } } }`;
const NEXT = `{ usageSettings { nextSubmissionAt } }`;
const IN_PROGRESS = `{ reportPreview { period { start end } usage { jobsCompleted } }
  periodInProgress { start end days sendsAt usage { jobsCompleted jobsCreated } errors { errorType count } } }`;

interface DeletionRequest {
  status: 'QUEUED' | 'DONE';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  doneAt: string | null;
  requestedAt: string;
}
type Deleted = { deleteUsageData: { remoteDeletion: string; remoteDeletionRequest: DeletionRequest | null } | null };
type Next = { usageSettings: { nextSubmissionAt: string | null } };
interface InProgress {
  reportPreview: { period: { start: string; end: string }; usage: { jobsCompleted: number } };
  periodInProgress: {
    start: string;
    end: string;
    days: number;
    sendsAt: string | null;
    usage: { jobsCompleted: number; jobsCreated: number };
    errors: { errorType: string; count: number }[];
  };
}

async function reportsAtAggregator(p: Pair): Promise<number> {
  return toInt((await query<{ n: unknown }>(p.aggregator.app.services.orm.em.fork(), 'select count(*) as n from report'))[0].n);
}

async function optInAndSend(p: Pair) {
  await p.local.ok(OPT_IN);
  await p.local.ok(RECORD_MANY, { inputs: [{ type: 'JOB_COMPLETED', occurredAt: '2026-11-25T10:00:00Z' }] });
  await p.local.ok(SUBMIT);
  assert.is(await reportsAtAggregator(p), 1, 'the aggregator holds the report');
}

for (const db of await testDatabaseKinds()) {
  const test = suite(`panel behaviour fixes [${db}]`);

  test('deleteUsageData(deleteRemoteData: true) deletes at the aggregator at once and answers DONE', async () => {
    const p = await createPair(db);
    try {
      await optInAndSend(p);
      const d = (await p.local.ok<Deleted>(DELETE_REMOTE)).deleteUsageData!;
      assert.is(d.remoteDeletion, 'DONE');
      assert.is(d.remoteDeletionRequest?.status, 'DONE');
      assert.is(d.remoteDeletionRequest?.attempts, 1);
      assert.is(d.remoteDeletionRequest?.lastError, null);
      assert.is(d.remoteDeletionRequest?.nextAttemptAt, null);
      assert.is(await reportsAtAggregator(p), 0, 'no scheduled run was needed');
    } finally {
      await p.close();
    }
  });

  test('an unreachable aggregator: QUEUED with the reason and the next attempt, one attempt only, then the job delivers it', async () => {
    const p = await createPair(db);
    try {
      await optInAndSend(p);
      p.proxy.down = true;
      const before = p.proxy.requests;
      const d = (await p.local.ok<Deleted>(DELETE_REMOTE)).deleteUsageData!;
      assert.is(p.proxy.requests - before, 1, 'one attempt, no retries while the user waits');
      assert.is(d.remoteDeletion, 'QUEUED');
      assert.match(d.remoteDeletionRequest?.lastError ?? '', /ECONNREFUSED/);
      assert.is(d.remoteDeletionRequest?.nextAttemptAt, '2026-11-28T12:15:00.000Z', 'retried after the first backoff');
      const settings = await p.local.ok<{ usageSettings: { remoteDeletionRequest: DeletionRequest } }>(
        `{ usageSettings { remoteDeletionRequest { status lastError nextAttemptAt } } }`,
      );
      assert.is(settings.usageSettings.remoteDeletionRequest.status, 'QUEUED', 'the settings show the same progress');
      p.proxy.down = false;
      p.local.clock.set('2026-11-28T12:15:00.000Z');
      await p.local.app.outbox.runScheduled();
      const after = await p.local.ok<{ usageSettings: { remoteDeletion: string; remoteDeletionRequest: DeletionRequest } }>(
        `{ usageSettings { remoteDeletion remoteDeletionRequest { status attempts doneAt } } }`,
      );
      assert.is(after.usageSettings.remoteDeletion, 'DONE');
      assert.is(after.usageSettings.remoteDeletionRequest.attempts, 2);
      assert.is(await reportsAtAggregator(p), 0);
    } finally {
      await p.close();
    }
  });

  test('an aggregator that does not answer in time: QUEUED with the timeout as the reason', async () => {
    const p = await createPair(db);
    try {
      await optInAndSend(p);
      p.proxy.faults.push('timeout');
      const d = (await p.local.ok<Deleted>(DELETE_REMOTE)).deleteUsageData!;
      assert.is(d.remoteDeletion, 'QUEUED');
      assert.match(d.remoteDeletionRequest?.lastError ?? '', /no answer within/);
      assert.is(await reportsAtAggregator(p), 1, 'still there until a later attempt gets through');
    } finally {
      await p.close();
    }
  });

  test('optOutUsageStatistics(deleteRemoteData: true) is delivered at once too', async () => {
    const p = await createPair(db);
    try {
      await optInAndSend(p);
      const out = await p.local.ok<{ optOutUsageStatistics: { usageSettings: { remoteDeletion: string } } }>(
        `mutation { optOutUsageStatistics(input: { deleteRemoteData: true }) { usageSettings { remoteDeletion } } }`,
      );
      assert.is(out.optOutUsageStatistics.usageSettings.remoteDeletion, 'DONE');
      assert.is(await reportsAtAggregator(p), 0);
    } finally {
      await p.close();
    }
  });

  test('nextSubmissionAt names the check that really sends: after the start-up delay, then on the check interval', async () => {
    const timers = new JobTimers().install();
    const p = await createPair(db, { env: { USAGE_STATS_STARTUP_DELAY: '300', USAGE_STATS_CHECK_INTERVAL: '3600' } });
    try {
      await p.local.app.start();
      await p.local.ok(OPT_IN);
      await p.local.app.orm.em.fork().nativeUpdate(UsageSettings, { id: 1 }, { submissionSecondOfDay: 15 * 3600 });
      assert.is((await p.local.ok<Next>(NEXT)).usageSettings.nextSubmissionAt, '2026-11-28T12:05:00.000Z', 'not "now": the first check');

      p.local.clock.advance(4 * MINUTE_MS);
      timers.advance(4 * MINUTE_MS);
      assert.is(await reportsAtAggregator(p), 0, 'nothing goes before that check');

      p.local.clock.advance(MINUTE_MS);
      p.aggregator.clock.set(p.local.clock.now().toISOString());
      timers.advance(MINUTE_MS);
      await waitFor(async () => (await reportsAtAggregator(p)) === 1, { timeoutMs: 10_000, message: 'the check at 12:05 to send the first report' });
      await waitFor(() => timers.pending().includes(3_600_000), { timeoutMs: 10_000, message: 'the next check to be scheduled' });
      // Due 2026-12-05T15:00 (the installation's time of day); the checks fall at hh:05.
      assert.is((await p.local.ok<Next>(NEXT)).usageSettings.nextSubmissionAt, '2026-12-05T15:05:00.000Z');
    } finally {
      await p.close();
      timers.uninstall();
    }
  });

  test('periodInProgress shows what was recorded today, beside a preview that ends at the last midnight', async () => {
    const p = await createPair(db);
    try {
      const inputs = [
        { type: 'JOB_COMPLETED', occurredAt: '2026-11-27T10:00:00Z' },
        { type: 'JOB_COMPLETED', occurredAt: '2026-11-28T09:00:00Z' },
        { type: 'JOB_COMPLETED', occurredAt: '2026-11-28T11:00:00Z' },
        { type: 'JOB_CREATED', occurredAt: '2026-11-28T11:30:00Z' },
        { type: 'ERROR_OCCURRED', errorType: 'connection_timeout', occurredAt: '2026-11-28T11:40:00Z' },
      ];
      await p.local.ok(RECORD_MANY, { inputs });
      const before = await p.local.ok<InProgress>(IN_PROGRESS);
      assert.is(before.periodInProgress.sendsAt, null, 'nothing is sent before opting in');
      assert.equal(before.periodInProgress.usage, { jobsCompleted: 2, jobsCreated: 1 });

      await p.local.ok(OPT_IN);
      await p.local.app.orm.em.fork().nativeUpdate(UsageSettings, { id: 1 }, { submissionSecondOfDay: 15 * 3600 });
      const r = await p.local.ok<InProgress>(IN_PROGRESS);
      assert.is(r.reportPreview.period.end, '2026-11-28T00:00:00.000Z');
      assert.is(r.reportPreview.usage.jobsCompleted, 1, 'the preview holds yesterday only');
      assert.equal(r.periodInProgress, {
        start: '2026-11-28T00:00:00.000Z',
        end: '2026-12-05T00:00:00.000Z',
        days: 7,
        sendsAt: '2026-12-05T15:00:00.000Z',
        usage: { jobsCompleted: 2, jobsCreated: 1 },
        errors: [{ errorType: 'connection_timeout', count: 1 }],
      });

      await p.local.ok(SUBMIT);
      const after = await p.local.ok<InProgress>(IN_PROGRESS);
      assert.is(after.periodInProgress.usage.jobsCompleted, 2, "sending the previous report leaves today's events in progress");
    } finally {
      await p.close();
    }
  });

  test.run();
}
