import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import type { UsageReport } from '../../common/report/contract.js';
import { nextReportEvents, type ReportWindow } from '../../src/report/period.js';
import { createPair, type Pair } from '../e2e/harness.js';
import { testDatabaseKinds } from '../helpers/databases.js';

const RECORD_MANY = `mutation($inputs: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $inputs }) { recordedCount } }`;
const PREVIEW = `{ reportPreview { json } }`;
const SUBMIT = `mutation { submitUsageReport { submission { id status periodStart periodEnd payload } } }`;

interface Built {
  id: string;
  status: string;
  periodStart: string;
  periodEnd: string;
  payload: UsageReport;
}
type Preview = { reportPreview: { json: UsageReport } };
type Submitted = { submitUsageReport: { submission: Built } };

const job = (occurredAt: string) => ({ type: 'JOB_COMPLETED', printerType: 'prusa', occurredAt });

function at(p: Pair, iso: string) {
  p.local.clock.set(iso);
  p.aggregator.clock.set(iso);
}

/** Previews, then builds and sends at the same instant; the payload sent must be the preview. */
async function previewThenSubmit(p: Pair): Promise<Built> {
  const preview = (await p.local.ok<Preview>(PREVIEW)).reportPreview.json;
  const sub = (await p.local.ok<Submitted>(SUBMIT)).submitUsageReport.submission;
  assert.is(sub.status, 'SENT', `the aggregator accepted report ${sub.id}`);
  assert.equal({ ...sub.payload, reportId: preview.reportId }, preview, 'the payload sent is the preview, field for field');
  return sub;
}

const units = suite('the events of the next report');
units('one rule: unassigned, from the floor, before the end', () => {
  const window: ReportWindow = {
    start: new Date('2026-11-28T00:00:00Z'),
    end: new Date('2026-12-05T00:00:00Z'),
    days: 7,
    floor: new Date('2026-11-21T00:00:00Z'),
    complete: true,
  };
  assert.equal(nextReportEvents(window), { reportId: null, occurredAt: { $gte: window.floor, $lt: window.end } });
});
units.run();

for (const db of await testDatabaseKinds()) {
  const test = suite<{ p: Pair }>(`preview equals the built report [${db}]`);
  test.before.each(async (ctx) => {
    ctx.p = await createPair(db, { now: '2026-11-28T12:00:00.000Z' });
  });
  test.after.each(async (ctx) => {
    await ctx.p.close();
  });

  test('first and second report: an event before the consent window never counts, one recorded late lands in the next report', async ({ p }) => {
    await p.local.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
    await p.local.ok(RECORD_MANY, {
      inputs: [
        job('2026-11-20T23:59:59.000Z'), // before the first report's window (the floor): never sent
        job('2026-11-21T00:00:00.000Z'),
        job('2026-11-24T10:00:00.000Z'),
        { type: 'ERROR_OCCURRED', errorType: 'timeout', component: 'mqtt', occurredAt: '2026-11-25T10:00:00.000Z' },
        job('2026-11-28T08:00:00.000Z'), // today: after the window's end, so the next report's
      ],
    });
    const first = await previewThenSubmit(p);
    assert.equal([first.periodStart, first.periodEnd], ['2026-11-21T00:00:00.000Z', '2026-11-28T00:00:00.000Z']);
    assert.is(first.payload.usage.jobsCompleted, 2, 'the two jobs inside the window, not the one before it');
    assert.equal(first.payload.errors, [{ errorType: 'timeout', component: 'mqtt', count: 1 }]);

    at(p, '2026-12-05T23:59:59.000Z');
    // The first one happened inside the first report's period but is recorded only now.
    await p.local.ok(RECORD_MANY, { inputs: [job('2026-11-26T09:00:00.000Z'), job('2026-12-02T09:00:00.000Z')] });
    const second = await previewThenSubmit(p);
    assert.equal([second.periodStart, second.periodEnd], ['2026-11-28T00:00:00.000Z', '2026-12-05T00:00:00.000Z']);
    assert.is(second.payload.usage.jobsCompleted, 3, 'today’s job from before, the late one and the one of this period');
    assert.equal(second.payload.errors, []);
  });

  test('a preview before opt-in counts what the first report will: the same window, the same rule', async ({ p }) => {
    await p.local.ok(RECORD_MANY, { inputs: [job('2026-11-19T10:00:00.000Z'), job('2026-11-22T10:00:00.000Z'), job('2026-11-27T10:00:00.000Z')] });
    const before = (await p.local.ok<Preview>(PREVIEW)).reportPreview.json;
    await p.local.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
    const sub = await previewThenSubmit(p);
    assert.is(before.usage.jobsCompleted, 2);
    assert.equal(sub.payload.usage, before.usage, 'opting in changes the ids, not the counts');
  });

  test.run();
}
