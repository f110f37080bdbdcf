import { randomUUID } from 'node:crypto';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { testDatabaseKinds } from '../../test/helpers/databases.js';
import { ADMIN_KEY, API_KEY, createTestAggregator, DELETE, deletionOf, makeReport, SUBMIT, type TestAggregator } from './helpers/aggregator.js';

const admin = { headers: { 'x-admin-key': ADMIN_KEY } };
const TRENDS = `{ dashboard(weeks: 3) { kAnonymity weeks { weekStart complete activeInstallations growth appVersions { key count }
  featureAdoption { feature enabledInstallations share } } errorsByComponent { component errorType occurrences } } }`;
const ADMIN = `{ admin { submissions(weeks: 3) { weekStart accepted refused successRate refusalsByCode { code count } } latestRefusals { at code }
  installationsByState { state count } anomalies { kind severity since acknowledgedAt } deletions(weeks: 3) { weekStart deletions byOperator }
  events { kind actor subject } } }`;
const LOOKUP = `query ($id: ID!) { admin { installation(id: $id) { installationId appVersion reportsAccepted } } }`;
const ACK = `mutation ($kind: AnomalyKind!) { acknowledgeAnomaly(input: { kind: $kind }) { anomaly { kind acknowledgedAt } } }`;

interface Trends {
  dashboard: {
    kAnonymity: number;
    weeks: {
      weekStart: string;
      complete: boolean;
      activeInstallations: number | null;
      growth: number | null;
      appVersions: { key: string; count: number }[];
      featureAdoption: { feature: string; enabledInstallations: number; share: number }[];
    }[];
    errorsByComponent: { component: string; errorType: string; occurrences: number }[];
  };
}
interface Admin {
  admin: {
    submissions: { weekStart: string; accepted: number; refused: number; successRate: number | null; refusalsByCode: { code: string; count: number }[] }[];
    latestRefusals: { at: string; code: string }[];
    installationsByState: { state: string; count: number }[];
    anomalies: { kind: string; severity: string; since: string; acknowledgedAt: string | null }[];
    deletions: { weekStart: string; deletions: number; byOperator: number }[];
    events: { kind: string; actor: string; subject: string | null }[];
  } | null;
}

/** Week 1 (Nov 9–15): 3 installations; week 2 (Nov 16–22): 8; week 3 (Nov 23–29, current): 10, of which 2 on a rare version. */
async function seed(t: TestAggregator): Promise<string[]> {
  const ids = Array.from({ length: 10 }, () => randomUUID());
  const send = async (day: string, id: string, i: number, version = '2.42.0') => {
    t.clock.set(`${day}T12:00:00.000Z`);
    const errors = i < 6 ? [{ errorType: 'timeout', component: 'mqtt', count: 2 }] : i === 6 ? [{ errorType: 'crash', component: 'camera', count: 1 }] : [];
    const features = [{ feature: 'timelapse', enabled: i % 2 === 0 }, ...(i < 2 ? [{ feature: 'rare_feature', enabled: true }] : [])];
    const r = await t.submit(makeReport({ installationId: id, end: `${day}T00:00:00.000Z`, days: 1, installation: { appVersion: version }, errors, features }));
    assert.ok(r.data?.submitReport, JSON.stringify(r.errors));
  };
  for (const [i, id] of ids.slice(0, 3).entries()) await send('2026-11-10', id, i);
  for (const [i, id] of ids.slice(0, 8).entries()) await send('2026-11-17', id, i);
  for (const [i, id] of ids.entries()) await send('2026-11-25', id, i, i >= 8 ? '2.43.0-beta.1' : '2.42.0');
  return ids;
}

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator }>(`dashboard and admin API [${db}]`);
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('dashboard trends are k-anonymous week by week and follow a deletion', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db, now: '2026-11-25T12:00:00.000Z' }));
    const ids = await seed(t);
    const { data } = await t.gql<Trends>(TRENDS);
    const [w1, w2, w3] = data!.dashboard.weeks;
    assert.is(data!.dashboard.kAnonymity, 5);
    assert.equal([w1.weekStart, w2.weekStart, w3.weekStart], ['2026-11-09', '2026-11-16', '2026-11-23']);
    assert.equal([w1.complete, w3.complete], [true, false]);
    // Week 1 had 3 installations (< K): no figure at all.
    assert.equal([w1.activeInstallations, w1.appVersions, w1.featureAdoption], [null, [], []]);
    assert.equal([w2.activeInstallations, w2.growth, w3.activeInstallations, w3.growth], [8, null, 10, 0.25]);
    // The beta ran on 2 installations: folded into "other"; rare_feature (2 reporting) is left out.
    assert.equal(w3.appVersions, [
      { key: '2.42.0', count: 8 },
      { key: 'other', count: 2 },
    ]);
    assert.equal(w3.featureAdoption, [{ feature: 'timelapse', enabledInstallations: 5, share: 0.5 }]);
    // mqtt/timeout: 6 installations a week (3 in week 1), 2 each time; camera/crash (1 installation) folded.
    assert.equal(data!.dashboard.errorsByComponent, [
      { component: 'mqtt', errorType: 'timeout', occurrences: 30 },
      { component: 'other', errorType: 'other', occurrences: 2 },
    ]);

    const deleted = await t.gql(DELETE, deletionOf(ids[9]), admin);
    assert.not.ok(deleted.errors, JSON.stringify(deleted.errors));
    const after = (await t.gql<Trends>(TRENDS)).data!.dashboard.weeks[2];
    assert.is(after.activeInstallations, 9);
  });

  test('the admin console: refusals by code, installations, deletion as an event, anomaly acknowledgement', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db, now: '2026-11-25T12:00:00.000Z' }));
    const ids = await seed(t);
    const forbidden = await t.gql<Admin>(ADMIN);
    assert.is(forbidden.data?.admin, null);
    assert.is(forbidden.errors?.[0]?.extensions?.code, 'FORBIDDEN');

    // Two refusals: no API key, and an invalid report.
    // A report that is plausible at the test's clock, so that the missing key is what refuses it.
    await t.gql(SUBMIT, { input: makeReport({ end: '2026-11-25T00:00:00.000Z', days: 1 }) }, { headers: { 'x-installation-secret': 'x'.repeat(20) } });
    await t.gql(SUBMIT, { input: { ...makeReport(), schemaVersion: 99 } }, { headers: { 'x-api-key': API_KEY, 'x-installation-secret': 'x'.repeat(20) } });
    const before = (await t.gql<Admin>(ADMIN, {}, admin)).data!.admin!;
    const week3 = before.submissions[2];
    assert.equal(week3, {
      weekStart: '2026-11-23',
      accepted: 10,
      refused: 2,
      successRate: 0.8333,
      refusalsByCode: [
        { code: 'BAD_USER_INPUT', count: 1 },
        { code: 'UNAUTHENTICATED', count: 1 },
      ],
    });
    assert.equal(
      before.latestRefusals.map((r) => r.code),
      ['BAD_USER_INPUT', 'UNAUTHENTICATED'],
    );
    assert.is(before.latestRefusals[0].at, '2026-11-25T12:00:00.000Z');
    assert.equal(before.installationsByState, [
      { state: 'ACTIVE', count: 10 },
      { state: 'IDLE', count: 0 },
      { state: 'DORMANT', count: 0 },
    ]);
    // 7 of 10 active installations have errors in their latest report: HIGH_ERROR_RATE.
    const rate = before.anomalies.find((a) => a.kind === 'HIGH_ERROR_RATE');
    assert.equal([rate?.severity, rate?.since, rate?.acknowledgedAt], ['HIGH', '2026-11-25T12:00:00.000Z', null]);

    const found = await t.gql<{ admin: { installation: unknown } }>(LOOKUP, { id: ids[0] }, admin);
    assert.equal(found.data?.admin.installation, { installationId: ids[0], appVersion: '2.42.0', reportsAccepted: 3 });
    assert.is((await t.gql(LOOKUP, { id: 'not-a-uuid' }, admin)).errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');

    assert.not.ok((await t.gql(DELETE, deletionOf(ids[0]), admin)).errors);
    assert.is((await t.gql<{ admin: { installation: unknown } }>(LOOKUP, { id: ids[0] }, admin)).data?.admin.installation, null);

    t.clock.set('2026-11-25T13:00:00.000Z');
    const acked = await t.gql<{ acknowledgeAnomaly: { anomaly: { kind: string; acknowledgedAt: string } } }>(ACK, { kind: 'HIGH_ERROR_RATE' }, admin);
    assert.equal(acked.data?.acknowledgeAnomaly.anomaly, { kind: 'HIGH_ERROR_RATE', acknowledgedAt: '2026-11-25T13:00:00.000Z' });
    assert.is((await t.gql(ACK, { kind: 'REPORT_VOLUME_SPIKE' }, admin)).errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.is((await t.gql(ACK, { kind: 'HIGH_ERROR_RATE' })).errors?.[0]?.extensions?.code, 'FORBIDDEN');

    const now = (await t.gql<Admin>(ADMIN, {}, admin)).data!.admin!;
    const still = now.anomalies.find((a) => a.kind === 'HIGH_ERROR_RATE');
    assert.equal([still?.since, still?.acknowledgedAt], ['2026-11-25T12:00:00.000Z', '2026-11-25T13:00:00.000Z']);
    assert.equal(now.deletions[2], { weekStart: '2026-11-23', deletions: 1, byOperator: 1 });
    const deletion = now.events.find((e) => e.kind === 'installation-deleted');
    assert.equal([deletion?.actor, deletion?.subject?.length], ['admin', 'sha256:'.length + 12]);
    // The id is nowhere in the event log.
    assert.not.ok(JSON.stringify(now.events).includes(ids[0]));
  });

  test.run();
}
