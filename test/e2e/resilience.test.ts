import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { DAY_MS } from '../../common/clock.js';
import { Submission } from '../../src/entities/submission.entity.js';
import { UsageEvent } from '../../src/entities/usage-event.entity.js';
import { UsageSettings } from '../../src/entities/usage-settings.entity.js';
import type { UsageReport } from '../../common/report/contract.js';
import { query, toInt } from '../../common/sql.js';
import { API_KEY, createTestAggregator, type TestAggregator } from '../../aggregator/test/helpers/aggregator.js';
import { createTestApp, type GraphQLErrorJson } from '../helpers/app.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createTempDatabase } from '../helpers/temp-database.js';
import { waitFor, withDeadline } from '../helpers/wait.js';
import { createPair, FaultProxy } from './harness.js';

const RECORD_MANY = `mutation($inputs: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $inputs }) { recordedCount } }`;
const iso = (ms: number) => new Date(ms).toISOString();

type NextSubmission = { usageSettings: { nextSubmissionAt: string | null } };

async function aggregatorReports(a: TestAggregator) {
  const rows = await query<{ id: string; period_start: unknown; period_end: unknown; payload: unknown }>(
    a.app.services.orm.em.fork(),
    'select id, period_start, period_end, payload from report order by received_at, period_start',
  );
  return rows.map((r) => ({ id: r.id, payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as UsageReport }));
}

for (const db of await testDatabaseKinds()) {
  const test = suite(`delivery through faults and restarts [${db}]`);

  test('killed between building and sending: after a restart the same reportId is delivered', async () => {
    const aggregator = await createTestAggregator({ db });
    const proxy = new FaultProxy(aggregator);
    const localDb = await createTempDatabase(db);
    const options = {
      db: localDb,
      env: { USAGE_STATS_ENDPOINT: 'http://localhost:8080/graphql', USAGE_STATS_API_KEY: API_KEY },
      delivery: { transport: proxy.transport, minBackoffMs: 5, timeoutMs: 300 },
    };
    try {
      const first = await createTestApp(options);
      await first.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
      await first.ok(RECORD_MANY, { inputs: [{ type: 'JOB_COMPLETED', occurredAt: '2026-11-25T10:00:00Z' }] });
      proxy.down = true;
      await first.app.outbox.runScheduled();
      const [built] = await first.app.orm.em.fork().find(Submission, {});
      assert.is(built.status, 'PENDING');
      await first.close(); // the process dies with its report built but not delivered

      proxy.down = false;
      const second = await createTestApp({ ...options, now: '2026-11-28T13:00:00Z' });
      await second.app.outbox.runScheduled();
      const ledger = await second.app.orm.em.fork().find(Submission, {});
      assert.equal(
        ledger.map((s) => [s.id, s.status]),
        [[built.id, 'SENT']],
      );
      assert.equal(
        (await aggregatorReports(aggregator)).map((r) => r.id),
        [built.id],
      );
      await second.close();
    } finally {
      await aggregator.close();
      await localDb.drop();
    }
  });

  test('the aggregator is down for 10 days: afterwards every report arrives, in order, every event once', async () => {
    const p = await createPair(db, { now: '2026-11-01T12:00:00.000Z', env: { USAGE_STATS_SUBMISSION_INTERVAL_DAYS: '1' } });
    try {
      await p.local.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
      await p.local.app.orm.em.fork().nativeUpdate(UsageSettings, { id: 1 }, { submissionSecondOfDay: 6 * 3600 });
      const set = (ms: number) => (p.local.clock.set(iso(ms)), p.aggregator.clock.set(iso(ms)));
      const start = Date.parse('2026-11-01T00:00:00Z');
      let recorded = 0;
      for (let day = 0; day < 14; day++) {
        const jobs = day + 1;
        set(start + day * DAY_MS + 8 * 3600_000);
        await p.local.ok(RECORD_MANY, { inputs: Array.from({ length: jobs }, () => ({ type: 'JOB_COMPLETED' })) });
        recorded += jobs;
        p.proxy.down = day >= 2 && day < 12;
        set(start + day * DAY_MS + 12 * 3600_000);
        await p.local.app.outbox.runScheduled();
      }
      const reports = await aggregatorReports(p.aggregator);
      const periods = reports.map((r) => [r.payload.period.start.slice(0, 10), r.payload.period.end.slice(0, 10)]);
      for (let i = 1; i < periods.length; i++)
        assert.is(periods[i][0], periods[i - 1][1], `report ${i} starts where report ${i - 1} ended: ${JSON.stringify(periods)}`);
      assert.is(periods.at(-1)![1], '2026-11-14', 'everything up to the last midnight was delivered');
      const counted = reports.reduce((n, r) => n + r.payload.usage.jobsCompleted, 0);
      const today = 14; // the jobs recorded on 2026-11-14 belong to the next report
      assert.is(counted, recorded - today, 'every event counted once, none lost, none twice');
      const em = p.local.app.orm.em.fork();
      assert.is(await em.count(UsageEvent, { type: 'JOB_COMPLETED', reportId: null }), today);
      assert.is(await em.count(Submission, { status: { $ne: 'SENT' } }), 0);
      assert.is(toInt((await query<{ n: unknown }>(p.aggregator.app.services.orm.em.fork(), 'select count(*) as n from report'))[0].n), reports.length);
    } finally {
      await p.close();
    }
  });

  test('scheduling: the first report at once, later ones after the interval and the installation’s time of day', async () => {
    const p = await createPair(db, { now: '2026-11-28T12:00:00.000Z' });
    try {
      const set = (s: string) => (p.local.clock.set(s), p.aggregator.clock.set(s));
      assert.is(
        (await p.local.ok<NextSubmission>(`{ usageSettings { nextSubmissionAt } }`)).usageSettings.nextSubmissionAt,
        null,
        'nothing is due before opting in',
      );
      await p.local.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
      await p.local.app.orm.em.fork().nativeUpdate(UsageSettings, { id: 1 }, { submissionSecondOfDay: 15 * 3600 });
      assert.is((await p.local.ok<NextSubmission>(`{ usageSettings { nextSubmissionAt } }`)).usageSettings.nextSubmissionAt, '2026-11-28T12:00:00.000Z');
      await p.local.app.outbox.runScheduled();
      assert.is((await aggregatorReports(p.aggregator)).length, 1);
      assert.is((await p.local.ok<NextSubmission>(`{ usageSettings { nextSubmissionAt } }`)).usageSettings.nextSubmissionAt, '2026-12-05T15:00:00.000Z');
      set('2026-12-05T14:59:59.000Z');
      await p.local.app.outbox.runScheduled();
      assert.is((await aggregatorReports(p.aggregator)).length, 1, 'not before its time of day');
      set('2026-12-05T15:00:00.000Z');
      await p.local.app.outbox.runScheduled();
      const reports = await aggregatorReports(p.aggregator);
      assert.equal(reports[1].payload.period, { start: '2026-11-28T00:00:00.000Z', end: '2026-12-05T00:00:00.000Z', days: 7 });
    } finally {
      await p.close();
    }
  });

  test('shutdown lets a hanging send go after the grace period; the report stays pending', async () => {
    const aggregator = await createTestAggregator({ db });
    const proxy = new FaultProxy(aggregator);
    const local = await createTestApp({
      db,
      env: { USAGE_STATS_ENDPOINT: 'http://localhost:8080/graphql', USAGE_STATS_API_KEY: API_KEY },
      delivery: { transport: proxy.transport, minBackoffMs: 5, timeoutMs: 60_000, shutdownGraceMs: 200 },
    });
    try {
      await local.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
      proxy.faults.push('timeout');
      const sending = local.gql<{ submitUsageReport: { submission: { status: string } } | null }>(`mutation { submitUsageReport { submission { status } } }`);
      await waitFor(() => proxy.requests > 0, { timeoutMs: 10_000, message: 'the hanging send to reach the aggregator' });
      // The send's own timeout is 60 s: stop() returning before it proves the 200 ms grace period let it go.
      await withDeadline(local.app.outbox.stop(), { timeoutMs: 30_000, message: 'stop() to give up the hanging send after its grace period' });
      await sending;
      const [sub] = await local.app.orm.em.fork().find(Submission, {});
      assert.is(sub.status, 'PENDING', 'state was stored before sending; the next start resends it');
    } finally {
      await local.close();
      await aggregator.close();
    }
  });

  test.run();
}

const real = suite('real servers on loopback');
real('the local API and the aggregator over real HTTP', async () => {
  const aggregator = await createTestAggregator({ db: 'sqlite' });
  const servers: Server[] = [];
  const listen = (handler: (req: IncomingMessage, res: ServerResponse) => unknown) =>
    new Promise<string>((resolve) => {
      const server = createServer(handler);
      servers.push(server);
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
    });
  const aggregatorUrl = await listen(aggregator.app.yoga);
  const local = await createTestApp({ db: 'sqlite', env: { USAGE_STATS_ENDPOINT: `${aggregatorUrl}/graphql`, USAGE_STATS_API_KEY: API_KEY } });
  const localUrl = await listen(local.app.yoga);
  try {
    const call = async <T>(q: string) =>
      (await (
        await fetch(`${localUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }) })
      ).json()) as {
        data?: T;
        errors?: GraphQLErrorJson[];
      };
    await call(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
    await call(`mutation { recordUsageEvent(input: { type: JOB_COMPLETED, occurredAt: "2026-11-27T08:00:00Z" }) { event { id } } }`);
    const sent = await call<{ submitUsageReport: { submission: { id: string; status: string; attempts: number } } | null }>(
      `mutation { submitUsageReport { submission { id status attempts } } }`,
    );
    assert.equal({ ...sent.data?.submitUsageReport?.submission, id: undefined }, { id: undefined, status: 'SENT', attempts: 1 }, JSON.stringify(sent));
    const summary: unknown = await (
      await fetch(`${aggregatorUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ statsSummary { reportsAccepted weekly(weeks: 1) { jobsCompletedInReportsReceived } } }' }),
      })
    ).json();
    assert.equal(summary, { data: { statsSummary: { reportsAccepted: 1, weekly: [{ jobsCompletedInReportsReceived: 1 }] } } });
  } finally {
    for (const s of servers) s.close();
    await local.close();
    await aggregator.close();
  }
});
real.run();
