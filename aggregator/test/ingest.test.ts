import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { query } from '../../common/sql.js';
import type { GraphQLErrorJson } from '../../test/helpers/app.js';
import { testDatabaseKinds } from '../../test/helpers/databases.js';
import { API_KEY, createTestAggregator, makeReport, secretFor, SUBMIT, type TestAggregator } from './helpers/aggregator.js';

const COUNT = `{ statsSummary { reportsAccepted installationsEverReported } }`;
/** What COUNT selects. */
interface CountData {
  statsSummary: { reportsAccepted: number; installationsEverReported: number };
}

/** A report as a test breaks it: any field may be given any value, and fields the contract does not know. */
interface BrokenReport {
  reportId: unknown;
  schemaVersion: unknown;
  installation: Record<string, unknown>;
  period: Record<string, unknown>;
  usage: Record<string, unknown>;
  fleet: Record<string, unknown>;
  features: unknown;
  errors: unknown;
}

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator }>(`aggregator ingest [${db}]`);
  test.before.each(async (ctx) => {
    ctx.t = await createTestAggregator({ db });
  });
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('a valid report is accepted once; the same report again is a duplicate that counts nothing', async ({ t }) => {
    const report = makeReport();
    const first = await t.submit(report);
    assert.is(first.status, 200);
    assert.equal(first.data?.submitReport, {
      reportId: report.reportId,
      installationId: report.installation.installationId,
      duplicate: false,
      receivedAt: '2026-11-28T12:00:00.000Z',
    });
    t.clock.advance(60_000);
    const again = await t.submit(report);
    assert.equal(
      again.data?.submitReport,
      { reportId: report.reportId, installationId: report.installation.installationId, duplicate: true, receivedAt: '2026-11-28T12:00:00.000Z' },
      'the original time',
    );
    const reordered = await t.submit({ ...report, usage: { ...report.usage }, installation: { ...report.installation } });
    assert.is(reordered.data?.submitReport?.duplicate, true);
    assert.equal((await t.gql<CountData>(COUNT)).data?.statsSummary, { reportsAccepted: 1, installationsEverReported: 1 });
  });

  test('the same report sent ten times at once is stored and counted once', async ({ t }) => {
    const report = makeReport();
    const results = await Promise.all(Array.from({ length: 10 }, () => t.submit(report)));
    assert.ok(
      results.every((r) => r.data?.submitReport?.reportId === report.reportId),
      JSON.stringify(results.map((r) => r.errors)),
    );
    assert.is(results.filter((r) => !r.data!.submitReport!.duplicate).length, 1);
    assert.equal((await t.gql<CountData>(COUNT)).data?.statsSummary, { reportsAccepted: 1, installationsEverReported: 1 });
  });

  test('the same reportId with another payload is refused', async ({ t }) => {
    const report = makeReport();
    await t.submit(report);
    const changed = await t.submit({ ...report, usage: { ...report.usage, jobsCompleted: 99 } });
    assert.is(changed.status, 400);
    assert.is(changed.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.is(changed.errors?.[0]?.extensions?.field, 'input.reportId');
    const stolen = makeReport({ reportId: report.reportId });
    const other = await t.submit(stolen);
    assert.is(other.errors?.[0]?.extensions?.field, 'input.reportId', 'another installation cannot reuse it either');
    assert.equal(
      (await t.gql<CountData>(COUNT)).data?.statsSummary,
      { reportsAccepted: 1, installationsEverReported: 1 },
      'nothing of the refused reports is stored',
    );
  });

  test('every invalid field is refused with 400 naming it, without echoing the value, and nothing is stored', async ({ t }) => {
    const base = makeReport();
    const bad: [string, (r: BrokenReport) => void, string][] = [
      ['not a uuid', (r) => (r.reportId = 'not-a-uuid-but-a-path/etc/passwd'), 'input.reportId'],
      ['installation id not v4', (r) => (r.installation.installationId = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), 'input.installation.installationId'],
      ['country code', (r) => (r.installation.countryCode = 'Germany'), 'input.installation.countryCode'],
      ['period not at midnight', (r) => (r.period.start = '2026-11-21T13:37:00.000Z'), 'input.period.start'],
      ['days inconsistent', (r) => (r.period.days = 6), 'input.period.days'],
      ['end before start', (r) => Object.assign(r.period, { start: '2026-11-28T00:00:00.000Z', end: '2026-11-21T00:00:00.000Z', days: 7 }), 'input.period.end'],
      ['negative count', (r) => (r.usage.jobsCompleted = -1), 'input.usage.jobsCompleted'],
      ['absurd count', (r) => (r.usage.jobsCreated = 2_000_000_000), 'input.usage.jobsCreated'],
      ['uptime beyond the period', (r) => (r.usage.uptimeHours = 10_000), 'input.usage.uptimeHours'],
      ['schema version', (r) => (r.schemaVersion = 99), 'input.schemaVersion'],
      ['free text as a feature', (r) => (r.features = [{ feature: 'Living room printer of Jane', enabled: true }]), 'input.features.0.feature'],
      [
        'free text as an error type',
        (r) => (r.errors = [{ errorType: 'ECONNREFUSED 192.168.1.5:8883', component: null, count: 1 }]),
        'input.errors.0.errorType',
      ],
      ['a model with a path', (r) => (r.fleet.printerTypes = [{ type: 'prusa', model: '/home/jane/x', count: 1 }]), 'input.fleet.printerTypes.0.model'],
      ['too long a list', (r) => (r.features = Array.from({ length: 201 }, (_, i) => ({ feature: `f${i}`, enabled: true }))), 'input.features'],
      ['a fractional count', (r) => (r.usage.filesUploaded = 1.5), 'input.usage.filesUploaded'],
      ['an unknown platform', (r) => (r.installation.platform = 'BEOS'), 'input.installation.platform'],
      ['an unknown field', (r) => (r.installation.hostname = 'janes-pi.local'), 'input.installation'],
      ['not a calendar day', (r) => (r.installation.firstSeenOn = '2026-13-45'), 'input.installation.firstSeenOn'],
      ['an instant where a day belongs', (r) => (r.installation.firstSeenOn = '2026-10-01T00:00:00Z'), 'input.installation.firstSeenOn'],
    ];
    for (const [what, mutate, field] of bad) {
      const report: BrokenReport = structuredClone(base);
      mutate(report);
      const res = await t.gql(
        SUBMIT,
        { input: report },
        { headers: { 'x-api-key': API_KEY, 'x-installation-secret': secretFor(String(report.installation.installationId)) } },
      );
      assert.is(res.status, 400, what);
      assert.is(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', what);
      assert.ok(String(res.errors?.[0]?.extensions?.field).startsWith(field), `${what}: ${JSON.stringify(res.errors)}`);
      const text = JSON.stringify(res.errors);
      for (const secret of [
        'passwd',
        'Germany',
        'Living room',
        '192.168.1.5',
        '/home/jane',
        'BEOS',
        'janes-pi',
        '13:37',
        '2000000000',
        '2026-13-45',
        '10-01T00',
      ]) {
        assert.not.ok(text.includes(secret), `${what}: the error repeats "${secret}": ${text}`);
      }
    }
    assert.equal((await t.gql<CountData>(COUNT)).data?.statsSummary, { reportsAccepted: 0, installationsEverReported: 0 });
  });

  test('an oversized body is refused before parsing', async ({ t }) => {
    const huge = 'x'.repeat(70_000);
    const res = await t.app.yoga.fetch('http://aggregator.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(huge.length + 20), 'x-api-key': API_KEY },
      body: JSON.stringify({ query: huge }),
    });
    assert.is(res.status, 413);
    assert.is(((await res.json()) as { errors: GraphQLErrorJson[] }).errors[0].extensions?.code, 'PAYLOAD_TOO_LARGE');
    const chunked = await t.app.yoga.fetch('http://aggregator.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: huge }),
    });
    assert.is(chunked.status, 413, 'without a Content-Length the stream is counted');
  });

  test('an older report delivered late does not overwrite the newer state', async ({ t }) => {
    const id = crypto.randomUUID();
    await t.submit(makeReport({ installationId: id, end: '2026-11-28T00:00:00.000Z', installation: { appVersion: '2.43.0' } }));
    await t.submit(makeReport({ installationId: id, end: '2026-11-21T00:00:00.000Z', installation: { appVersion: '2.41.0' } }));
    const s = (
      await t.gql<{ statsSummary: { reportsAccepted: number; installationsByAppVersion: { key: string; count: number }[] } }>(
        `{ statsSummary { reportsAccepted installationsByAppVersion { key count } } }`,
        undefined,
      )
    ).data!.statsSummary;
    assert.is(s.reportsAccepted, 2);
    assert.equal(s.installationsByAppVersion, [{ key: 'other', count: 1 }], 'one installation, its latest version (folded: fewer than K)');
    const [row] = await query<{ app_version: string }>(t.app.services.orm.em.fork(), 'select app_version from installation where id = ?', [id]);
    assert.is(row.app_version, '2.43.0');
  });

  test.run();
}
