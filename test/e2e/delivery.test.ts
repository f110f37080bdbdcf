import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import type { UsageReport } from '../../common/report/contract.js';
import { query, toInt } from '../../common/sql.js';
import { UsageEvent } from '../../src/entities/usage-event.entity.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { waitFor } from '../helpers/wait.js';
import { createPair, type Pair } from './harness.js';

const RECORD_MANY = `mutation($inputs: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $inputs }) { recordedCount } }`;
const SUBMIT = `mutation { submitUsageReport { submission { id status attempts lastError duplicate sentAt nextAttemptAt periodStart periodEnd payload } } }`;
const LEDGER = `{ submissions { edges { node { id status attempts lastError duplicate periodStart periodEnd payload } } } }`;
const SUMMARY = `{ statsSummary { reportsAccepted installationsEverReported printersOfActiveInstallations printersByModel { key count } weekly(weeks: 2) { reportsReceived jobsCompletedInReportsReceived } } }`;

type SubmissionStatus = 'CANCELLED' | 'PENDING' | 'REJECTED' | 'SENT';
type RemoteDeletionState = 'DONE' | 'NOT_REQUESTED' | 'QUEUED';

/** A Submission as LEDGER selects it. */
interface LedgerSubmission {
  id: string;
  status: SubmissionStatus;
  attempts: number;
  lastError: string | null;
  duplicate: boolean;
  periodStart: string;
  periodEnd: string;
  payload: UsageReport;
}
/** What SUBMIT selects. */
interface Submitted {
  submitUsageReport: { submission: LedgerSubmission & { sentAt: string | null; nextAttemptAt: string | null } } | null;
}
/** What LEDGER selects. */
interface Ledger {
  submissions: { edges: { node: LedgerSubmission }[] } | null;
}
/** What SUMMARY selects (aggregator). */
interface Summary {
  statsSummary: {
    reportsAccepted: number;
    installationsEverReported: number;
    printersOfActiveInstallations: number;
    printersByModel: { key: string; count: number }[];
    weekly: { reportsReceived: number; jobsCompletedInReportsReceived: number }[] | null;
  };
}
type RemoteDeletion = { usageSettings: { remoteDeletion: RemoteDeletionState } };

function at(p: Pair, iso: string) {
  p.local.clock.set(iso);
  p.aggregator.clock.set(iso);
}

async function optInAndRecord(p: Pair, jobs = 3) {
  await p.local.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
  const inputs = Array.from({ length: jobs }, (_, i) => ({ type: 'JOB_COMPLETED', printerType: 'prusa', occurredAt: `2026-11-2${2 + (i % 5)}T10:00:00Z` }));
  await p.local.ok(RECORD_MANY, { inputs: [...inputs, { type: 'JOB_CREATED' }, { type: 'FILE_UPLOADED', fileSizeBytes: 100 }] });
}

async function storedReports(p: Pair): Promise<number> {
  const [row] = await query<{ n: unknown }>(p.aggregator.app.services.orm.em.fork(), 'select count(*) as n from report');
  return toInt(row.n);
}

for (const db of await testDatabaseKinds()) {
  const test = suite<{ p: Pair }>(`delivery end to end [${db}]`);
  test.before.each(async (ctx) => {
    ctx.p = await createPair(db, { now: '2026-11-28T12:00:00.000Z' });
  });
  test.after.each(async (ctx) => {
    await ctx.p.close();
  });

  test('opt in, record, submit: the aggregator counts exactly what was recorded, and the ledger holds the payload', async ({ p }) => {
    await optInAndRecord(p, 4);
    await p.local.ok(`mutation($i: AddPrinterInput!) { addPrinter(input: $i) { printer { id } } }`, {
      i: { name: 'Jane’s workshop MK4S', type: 'prusa', model: '1.4.1', serial: 'CZPX4720X004XK12345', host: '192.168.1.50' },
    });
    const preview = (await p.local.ok<{ reportPreview: { json: UsageReport } }>(`{ reportPreview { json } }`)).reportPreview.json;
    const sub = (await p.local.ok<Submitted>(SUBMIT)).submitUsageReport!.submission;
    assert.is(sub.status, 'SENT');
    assert.is(sub.attempts, 1);
    assert.is(sub.duplicate, false);
    assert.equal({ ...sub.payload, reportId: preview.reportId }, preview, 'what was previewed is what was sent');
    const [stored] = await query<{ payload: unknown }>(p.aggregator.app.services.orm.em.fork(), 'select payload from report where id = ?', [sub.id]);
    const payload: unknown = typeof stored.payload === 'string' ? JSON.parse(stored.payload) : stored.payload;
    assert.equal(payload, sub.payload, 'the aggregator stored exactly the payload in the ledger');
    for (const secret of ['Jane', 'CZPX4720', '192.168.1.50']) assert.not.ok(JSON.stringify(payload).includes(secret), secret);
    const s = (await p.aggregator.gql<Summary>(SUMMARY)).data?.statsSummary;
    assert.equal(s, {
      reportsAccepted: 1,
      installationsEverReported: 1,
      printersOfActiveInstallations: 1,
      printersByModel: [{ key: 'other', count: 1 }],
      weekly: [
        { reportsReceived: 0, jobsCompletedInReportsReceived: 0 },
        { reportsReceived: 1, jobsCompletedInReportsReceived: 4 },
      ],
    });
    const assigned = await p.local.app.orm.em.fork().count(UsageEvent, { reportId: sub.id });
    assert.is(assigned, 4, 'the 4 events of the period are counted in that report; the 2 recorded today wait for the next');
    const settings = (
      await p.local.ok<{ usageSettings: { lastSubmissionAt: string | null; nextSubmissionAt: string | null; lastSubmissionError: string | null } }>(
        `{ usageSettings { lastSubmissionAt nextSubmissionAt lastSubmissionError } }`,
      )
    ).usageSettings;
    assert.is(settings.lastSubmissionAt, '2026-11-28T12:00:00.000Z');
    assert.is(settings.lastSubmissionError, null);
    assert.ok((settings.nextSubmissionAt ?? '') >= '2026-12-05T00:00:00.000Z', String(settings.nextSubmissionAt));
    const again = await p.local.gql<Submitted>(SUBMIT);
    assert.is(again.errors?.[0]?.extensions?.code, 'NOTHING_TO_SUBMIT');
    assert.is(again.errors?.[0]?.extensions?.nextSubmissionAt, settings.nextSubmissionAt);
  });

  test('503 twice, then success', async ({ p }) => {
    await optInAndRecord(p);
    p.proxy.faults.push('503', '503');
    const sub = (await p.local.ok<Submitted>(SUBMIT)).submitUsageReport!.submission;
    assert.equal([sub.status, sub.attempts], ['SENT', 3]);
    assert.is(await storedReports(p), 1);
  });

  test('a timeout, then success', async ({ p }) => {
    await optInAndRecord(p);
    p.proxy.faults.push('timeout');
    const sub = (await p.local.ok<Submitted>(SUBMIT)).submitUsageReport!.submission;
    assert.equal([sub.status, sub.attempts], ['SENT', 2]);
  });

  test('429 with a short Retry-After is waited out within the run', async ({ p }) => {
    await optInAndRecord(p);
    p.proxy.faults.push('rate-limited');
    const started = Date.now();
    const sub = (await p.local.ok<Submitted>(SUBMIT)).submitUsageReport!.submission;
    assert.equal([sub.status, sub.attempts], ['SENT', 2]);
    assert.ok(Date.now() - started >= 1000, 'Retry-After: 1 was honoured');
  });

  test('429 with a long Retry-After moves the report to a later run', async ({ p }) => {
    await optInAndRecord(p);
    p.proxy.faults.push('rate-limited-long');
    const pending = (await p.local.ok<Submitted>(SUBMIT)).submitUsageReport!.submission;
    assert.is(pending.status, 'PENDING');
    assert.is(pending.attempts, 1, 'no retry within the run');
    assert.match(pending.lastError ?? '', /^RATE_LIMITED/);
    assert.is(pending.nextAttemptAt, '2026-11-28T13:00:00.000Z', 'the next attempt waits for Retry-After');
    at(p, '2026-11-28T12:30:00.000Z');
    await p.local.app.outbox.runScheduled();
    assert.is(await storedReports(p), 0, 'not before Retry-After');
    at(p, '2026-11-28T13:00:00.000Z');
    await p.local.app.outbox.runScheduled();
    assert.equal(
      (await p.local.ok<Ledger>(LEDGER)).submissions?.edges.map((e) => e.node).map((s) => [s.id, s.status]),
      [[pending.id, 'SENT']],
    );
  });

  test('401 is final: REJECTED after one attempt, its events stay counted in it', async (ctx) => {
    await ctx.p.close();
    const q = (ctx.p = await createPair(db, { now: '2026-11-28T12:00:00.000Z', env: { USAGE_STATS_API_KEY: 'a-key-the-aggregator-does-not-know' } }));
    await optInAndRecord(q);
    const sub = (await q.local.ok<Submitted>(SUBMIT)).submitUsageReport!.submission;
    assert.equal([sub.status, sub.attempts, sub.nextAttemptAt], ['REJECTED', 1, null]);
    assert.match(sub.lastError ?? '', /^UNAUTHENTICATED/);
    assert.is(await q.local.app.orm.em.fork().count(UsageEvent, { reportId: sub.id }), 3);
    assert.match(
      (await q.local.ok<{ usageSettings: { lastSubmissionError: string | null } }>(`{ usageSettings { lastSubmissionError } }`)).usageSettings
        .lastSubmissionError ?? '',
      /^UNAUTHENTICATED/,
    );
    assert.is(await storedReports(q), 0);
  });

  test('the answer is lost after the aggregator committed: the retry is a duplicate, counted once', async ({ p }) => {
    await optInAndRecord(p, 5);
    p.proxy.faults.push('drop-after-commit');
    const sub = (await p.local.ok<Submitted>(SUBMIT)).submitUsageReport!.submission;
    assert.equal([sub.status, sub.attempts, sub.duplicate], ['SENT', 2, true]);
    assert.is(await storedReports(p), 1);
    const s = (await p.aggregator.gql<Summary>(SUMMARY)).data?.statsSummary;
    assert.is(s?.reportsAccepted, 1);
    assert.is(s?.weekly?.[1].jobsCompletedInReportsReceived, 5);
  });

  test('opting out while a report is pending cancels it and releases its events', async ({ p }) => {
    await optInAndRecord(p);
    p.proxy.down = true;
    const sub = (await p.local.ok<Submitted>(SUBMIT)).submitUsageReport!.submission;
    assert.is(sub.status, 'PENDING');
    assert.match(sub.lastError ?? '', /^NETWORK_ERROR/);
    await p.local.ok(`mutation { optOutUsageStatistics { usageSettings { consent } } }`);
    const ledger = (await p.local.ok<Ledger>(LEDGER)).submissions?.edges.map((e) => e.node);
    assert.equal(
      ledger?.map((s) => s.status),
      ['CANCELLED'],
    );
    assert.is(await p.local.app.orm.em.fork().count(UsageEvent, { reportId: { $ne: null } }), 0);
    p.proxy.down = false;
    await p.local.app.outbox.runScheduled();
    assert.is(await storedReports(p), 0, 'nothing is sent after opting out');
    const forbidden = await p.local.gql<Submitted>(SUBMIT);
    assert.is(forbidden.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  test('opting out while a send is in flight waits for it: a delivered report is never cancelled', async ({ p }) => {
    await optInAndRecord(p);
    p.proxy.faults.push('slow');
    const sending = p.local.gql<Submitted>(SUBMIT);
    await waitFor(() => p.proxy.requests > 0, { timeoutMs: 10_000, message: 'the slow send to reach the aggregator' });
    await p.local.ok(`mutation { optOutUsageStatistics { usageSettings { consent } } }`);
    assert.is((await sending).data?.submitUsageReport?.submission.status, 'SENT');
    assert.equal(
      (await p.local.ok<Ledger>(LEDGER)).submissions?.edges.map((e) => e.node).map((s) => s.status),
      ['SENT'],
    );
    assert.is(await p.local.app.orm.em.fork().count(UsageEvent, { reportId: { $ne: null } }), 3, 'its events stay counted in it');
  });

  test('deleteUsageData(input: { deleteRemoteData: true }) while the aggregator is down leaves nothing there once it is back', async ({ p }) => {
    await optInAndRecord(p);
    const sub = (await p.local.ok<Submitted>(SUBMIT)).submitUsageReport!.submission;
    assert.is(sub.status, 'SENT');
    p.proxy.down = true;
    const del = (
      await p.local.ok<{ deleteUsageData: { remoteDeletion: RemoteDeletionState } | null }>(
        `mutation { deleteUsageData(input: { deleteRemoteData: true }) { remoteDeletion } }`,
      )
    ).deleteUsageData;
    assert.is(del?.remoteDeletion, 'QUEUED');
    await p.local.app.outbox.runScheduled();
    assert.is((await p.local.ok<RemoteDeletion>(`{ usageSettings { remoteDeletion } }`)).usageSettings.remoteDeletion, 'QUEUED');
    p.proxy.down = false;
    at(p, '2026-11-28T12:20:00.000Z');
    await p.local.app.outbox.runScheduled();
    assert.is((await p.local.ok<RemoteDeletion>(`{ usageSettings { remoteDeletion } }`)).usageSettings.remoteDeletion, 'DONE');
    assert.equal(
      (
        await p.aggregator.gql<{ statsSummary: { reportsAccepted: number; installationsEverReported: number } }>(
          `{ statsSummary { reportsAccepted installationsEverReported } }`,
        )
      ).data?.statsSummary,
      { reportsAccepted: 0, installationsEverReported: 0 },
    );
    assert.is(await storedReports(p), 0);
  });

  test.run();
}
