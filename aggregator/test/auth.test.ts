import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { testDatabaseKinds } from '../../test/helpers/databases.js';
import {
  ADMIN_KEY,
  createTestAggregator,
  DELETE,
  deletionOf,
  makeReport,
  OLD_API_KEY,
  secretFor,
  SUBMIT,
  type SubmitData,
  type TestAggregator,
} from './helpers/aggregator.js';

const COUNT = `{ statsSummary { reportsAccepted installationsEverReported weekly(weeks: 1) { reportsReceived } } }`;
/** What COUNT selects. */
interface CountData {
  statsSummary: { reportsAccepted: number; installationsEverReported: number; weekly: { reportsReceived: number }[] | null };
}
/** What DELETE selects. */
interface DeleteData {
  deleteInstallation: { installationId: string; deletedReports: number };
}

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator }>(`aggregator auth and deletion [${db}]`);
  test.before.each(async (ctx) => {
    ctx.t = await createTestAggregator({ db, env: { AGGREGATOR_RATE_LIMIT_PER_HOUR: '2' } });
  });
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('submitReport needs one of the configured API keys', async ({ t }) => {
    const report = makeReport();
    const secret = secretFor(report.installation.installationId);
    for (const headers of [
      { 'x-installation-secret': secret } as Record<string, string>,
      { 'x-api-key': 'wrong-key-0123456789', 'x-installation-secret': secret },
      { 'x-api-key': '', 'x-installation-secret': secret },
    ]) {
      const res = await t.gql(SUBMIT, { input: report }, { headers });
      assert.is(res.status, 401);
      assert.is(res.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    }
    const rotated = await t.gql<SubmitData>(SUBMIT, { input: report }, { headers: { 'x-api-key': OLD_API_KEY, 'x-installation-secret': secret } });
    assert.is(rotated.data?.submitReport?.reportId, report.reportId, 'every key in the list works, for rotation');
  });

  test('the first report binds the secret; another secret is FORBIDDEN and stores nothing', async ({ t }) => {
    const id = crypto.randomUUID();
    const none = await t.submit(makeReport({ installationId: id }), { secret: '' });
    assert.is(none.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', 'the secret header is required');
    assert.is((await t.submit(makeReport({ installationId: id }))).data?.submitReport?.installationId, id);
    const forged = await t.submit(
      makeReport({
        installationId: id,
        usage: { jobsCreated: 0, jobsCompleted: 9999, jobsFailed: 0, jobsCancelled: 0, filesDownloaded: 0, filesUploaded: 0, appStarts: 0, uptimeHours: 0 },
      }),
      { secret: 'i-only-know-the-id' },
    );
    assert.is(forged.status, 403);
    assert.is(forged.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal((await t.gql<CountData>(COUNT)).data?.statsSummary, { reportsAccepted: 1, installationsEverReported: 1, weekly: [{ reportsReceived: 1 }] });
  });

  test('the owner deletes everything: reports, installation, rollups and rate-limit state', async ({ t }) => {
    const id = crypto.randomUUID();
    const other = makeReport();
    await t.submit(other);
    await t.submit(makeReport({ installationId: id }));
    await t.submit(makeReport({ installationId: id, end: '2026-11-21T00:00:00.000Z' }));
    const limited = await t.submit(makeReport({ installationId: id, end: '2026-11-14T00:00:00.000Z' }));
    assert.is(limited.errors?.[0]?.extensions?.code, 'RATE_LIMITED');

    const noCreds = await t.gql(DELETE, deletionOf(id));
    assert.is(noCreds.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const wrong = await t.gql(DELETE, deletionOf(id), { headers: { 'x-installation-secret': 'guess' } });
    assert.is(wrong.status, 403);
    const someoneElse = await t.gql(DELETE, deletionOf(id), { headers: { 'x-installation-secret': secretFor(other.installation.installationId) } });
    assert.is(someoneElse.errors?.[0]?.extensions?.code, 'FORBIDDEN', "another installation's secret is not enough");

    const res = await t.gql<DeleteData>(DELETE, deletionOf(id), { headers: { 'x-installation-secret': secretFor(id) } });
    assert.equal(res.data?.deleteInstallation, { installationId: id, deletedReports: 2 });
    assert.equal(
      (await t.gql<CountData>(COUNT)).data?.statsSummary,
      { reportsAccepted: 1, installationsEverReported: 1, weekly: [{ reportsReceived: 1 }] },
      'its contribution to every summary is gone',
    );
    const again = await t.gql<DeleteData>(DELETE, deletionOf(id), { headers: { 'x-installation-secret': secretFor(id) } });
    assert.equal(again.data?.deleteInstallation, { installationId: id, deletedReports: 0 }, 'a retried deletion completes');
    const fresh = await t.submit(makeReport({ installationId: id }), { secret: 'a-new-secret-after-deletion' });
    assert.is(fresh.data?.submitReport?.duplicate, false, 'its rate-limit state and secret binding went with it');
  });

  test('the operator deletes any installation; an unknown id answers 0', async ({ t }) => {
    const report = makeReport();
    await t.submit(report);
    const unknown = await t.gql<DeleteData>(DELETE, deletionOf(crypto.randomUUID()), { headers: { 'x-admin-key': ADMIN_KEY } });
    assert.is(unknown.data?.deleteInstallation.deletedReports, 0);
    const wrongAdmin = await t.gql(DELETE, deletionOf(report.installation.installationId), { headers: { 'x-admin-key': 'not-the-admin-key-0000' } });
    assert.is(wrongAdmin.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const res = await t.gql<DeleteData>(DELETE, deletionOf(report.installation.installationId), { headers: { 'x-admin-key': ADMIN_KEY } });
    assert.is(res.data?.deleteInstallation.deletedReports, 1);
    assert.equal((await t.gql<CountData>(COUNT)).data?.statsSummary, { reportsAccepted: 0, installationsEverReported: 0, weekly: [{ reportsReceived: 0 }] });
  });

  test('the shared client key cannot delete anyone', async ({ t }) => {
    const report = makeReport();
    await t.submit(report);
    const res = await t.gql<DeleteData>(DELETE, deletionOf(report.installation.installationId), { headers: { 'x-api-key': 'test-api-key-0123456789' } });
    assert.is(res.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  test.run();
}
