import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { testDatabaseKinds } from '../../test/helpers/databases.js';
import { expireReports } from '../src/jobs/retention.js';
import { kAnonymousBuckets } from '../src/summary.js';
import { ADMIN_KEY, createTestAggregator, makeReport, type TestAggregator } from './helpers/aggregator.js';

const SUMMARY = `{ statsSummary { reportsAccepted installationsEverReported activeInstallations active7: activeInstallations(days: 7) lastReportReceivedAt
  printersOfActiveInstallations printersByType { key count share } printersByModel { key count } installationsByAppVersion { key count share }
  installationsByPlatform { key count } installationsByDeploymentMode { key count } installationsByCountry { key count }
  featureAdoption { feature enabledInstallations share } } }`;
const WEEKLY = `{ statsSummary { weekly(weeks: 3) { weekStart reportingInstallations reportsReceived jobsCompletedInReportsReceived } } }`;
const ANOMALIES = `{ anomalies { kind severity message } }`;
const admin = { headers: { 'x-admin-key': ADMIN_KEY } };

/** A BucketCount without its share. */
interface Bucket {
  key: string;
  count: number;
}
/** What SUMMARY selects. */
interface SummaryData {
  statsSummary: {
    reportsAccepted: number;
    installationsEverReported: number;
    activeInstallations: number | null;
    active7: number | null;
    lastReportReceivedAt: string | null;
    printersOfActiveInstallations: number;
    printersByType: (Bucket & { share: number })[];
    printersByModel: Bucket[];
    installationsByAppVersion: (Bucket & { share: number })[];
    installationsByPlatform: Bucket[];
    installationsByDeploymentMode: Bucket[];
    installationsByCountry: Bucket[];
    featureAdoption: { feature: string; enabledInstallations: number; share: number }[];
  };
}
/** What WEEKLY selects. */
interface WeeklyData {
  statsSummary: {
    weekly: { weekStart: string; reportingInstallations: number; reportsReceived: number; jobsCompletedInReportsReceived: number }[] | null;
  };
}
/** What ANOMALIES selects. */
interface AnomaliesData {
  anomalies: { kind: string; severity: string; message: string }[] | null;
}

const units = suite('k-anonymous buckets');
units('buckets under k installations fold into other; shares add up', () => {
  const t = (n: number, i = n) => ({ count: n, installations: i });
  const out = kAnonymousBuckets(
    new Map([
      ['a', t(10)],
      ['b', t(5)],
      ['c', t(2)],
      ['d', t(30, 1)],
    ]),
    5,
  );
  assert.equal(
    out.map((b) => [b.key, b.count]),
    [
      ['a', 10],
      ['b', 5],
      ['other', 32],
    ],
  );
  assert.is(Math.round(out.reduce((n, b) => n + b.share, 0) * 1000), 1000);
});
units.run();

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator }>(`aggregator summaries and anomalies [${db}]`);
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('distributions come from each active installation’s latest report, k-anonymously', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db, env: { AGGREGATOR_K_ANONYMITY: '3' } }));
    // Six installations on 2.42.0 (one reported 2.41.0 before), two on 2.40.0, one inactive on 1.0.0.
    t.clock.set('2026-10-01T12:00:00Z');
    await t.submit(makeReport({ end: '2026-10-01T00:00:00.000Z', installation: { appVersion: '1.0.0', countryCode: 'FR' } }));
    t.clock.set('2026-11-28T12:00:00Z');
    const ids = Array.from({ length: 8 }, () => crypto.randomUUID());
    await t.submit(makeReport({ installationId: ids[0], end: '2026-11-21T00:00:00.000Z', installation: { appVersion: '2.41.0' } }));
    for (const [i, id] of ids.entries()) {
      const modern = i < 6;
      await t.submit(
        makeReport({
          installationId: id,
          installation: {
            appVersion: modern ? '2.42.0' : '2.40.0',
            platform: i === 7 ? 'MACOS' : 'LINUX',
            deploymentMode: i < 4 ? 'HOME_ASSISTANT' : 'DOCKER',
            countryCode: i < 5 ? 'DE' : null,
          },
          fleet: {
            printerCount: 3,
            partial: false,
            printerTypes: [
              { type: 'bambu_lab', model: 'P1S', count: 2 },
              ...(i < 2 ? [{ type: 'octoprint', model: 'other', count: 1 }] : [{ type: 'prusa', model: 'MK4S', count: 1 }]),
            ],
          },
          features: [{ feature: 'timelapse', enabled: i % 2 === 0 }, ...(i === 0 ? [{ feature: 'rare_feature', enabled: true }] : [])],
        }),
      );
    }
    const s = (await t.gql<SummaryData>(SUMMARY)).data!.statsSummary;
    assert.is(s.reportsAccepted, 10);
    assert.is(s.installationsEverReported, 9);
    assert.is(s.activeInstallations, 8, 'the installation last seen in October is not active');
    assert.is(s.active7, 8);
    assert.is(s.lastReportReceivedAt, '2026-11-28T12:00:00.000Z');
    assert.is(s.printersOfActiveInstallations, 24);
    assert.equal(
      s.installationsByAppVersion,
      [
        { key: '2.42.0', count: 6, share: 0.75 },
        { key: 'other', count: 2, share: 0.25 },
      ],
      '2.40.0 has 2 < 3 installations; 2.41.0 was superseded',
    );
    assert.equal(s.installationsByPlatform, [
      { key: 'LINUX', count: 7 },
      { key: 'other', count: 1 },
    ]);
    assert.equal(s.installationsByDeploymentMode, [
      { key: 'DOCKER', count: 4 },
      { key: 'HOME_ASSISTANT', count: 4 },
    ]);
    assert.equal(s.installationsByCountry, [
      { key: 'DE', count: 5 },
      { key: 'unknown', count: 3 },
    ]);
    assert.equal(
      s.printersByType.map((b) => [b.key, b.count]),
      [
        ['bambu_lab', 16],
        ['prusa', 6],
        ['other', 2],
      ],
      'printers counted, folded by installations (octoprint: 2)',
    );
    assert.equal(s.printersByModel, [
      { key: 'bambu_lab/P1S', count: 16 },
      { key: 'prusa/MK4S', count: 6 },
      { key: 'other', count: 2 },
    ]);
    assert.equal(s.featureAdoption, [{ feature: 'timelapse', enabledInstallations: 4, share: 0.5 }], 'a feature fewer than k installations report is left out');
  });

  test('weekly activity comes from the rollup and survives report expiry', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db }));
    const a = crypto.randomUUID();
    t.clock.set('2026-11-12T10:00:00Z'); // week of 2026-11-09
    await t.submit(makeReport({ installationId: a, end: '2026-11-12T00:00:00.000Z' }));
    await t.submit(makeReport({ end: '2026-11-12T00:00:00.000Z' }));
    t.clock.set('2026-11-25T10:00:00Z'); // week of 2026-11-23
    await t.submit(makeReport({ installationId: a, end: '2026-11-25T00:00:00.000Z' }));
    await t.submit(makeReport({ installationId: a, end: '2026-11-19T00:00:00.000Z' }));
    t.clock.set('2026-11-28T12:00:00Z');
    const expected = [
      { weekStart: '2026-11-09', reportingInstallations: 2, reportsReceived: 2, jobsCompletedInReportsReceived: 16 },
      { weekStart: '2026-11-16', reportingInstallations: 0, reportsReceived: 0, jobsCompletedInReportsReceived: 0 },
      // The report for the period ending 2026-11-19 arrived on 2026-11-25: it counts in the week it was received.
      { weekStart: '2026-11-23', reportingInstallations: 1, reportsReceived: 2, jobsCompletedInReportsReceived: 16 },
    ];
    assert.equal((await t.gql<WeeklyData>(WEEKLY)).data?.statsSummary.weekly, expected);
    const expired = await expireReports(t.app.services.orm.em.fork(), t.clock.now(), 10);
    assert.is(expired, 2);
    assert.equal((await t.gql<WeeklyData>(WEEKLY)).data?.statsSummary.weekly, expected, 'rollups stay when raw reports expire');
    assert.is((await t.gql<{ statsSummary: { reportsAccepted: number } }>(`{ statsSummary { reportsAccepted } }`)).data?.statsSummary.reportsAccepted, 4);
  });

  /** `n` installations report in each of two consecutive weeks; `errors` per report per week. */
  async function twoWeeks(t: TestAggregator, before: number, after: number, errors: [number, number] = [0, 0]) {
    const ids = Array.from({ length: Math.max(before, after) }, () => crypto.randomUUID());
    const errorList = (n: number) => (n ? [{ errorType: 'timeout', component: 'mqtt', count: n }] : []);
    t.clock.set('2026-11-11T09:00:00Z');
    for (const id of ids.slice(0, before)) await t.submit(makeReport({ installationId: id, end: '2026-11-11T00:00:00.000Z', errors: errorList(errors[0]) }));
    t.clock.set('2026-11-18T09:00:00Z');
    for (const id of ids.slice(0, after)) await t.submit(makeReport({ installationId: id, end: '2026-11-18T00:00:00.000Z', errors: errorList(errors[1]) }));
    t.clock.set('2026-11-26T12:00:00Z');
  }

  test('anomalies: a normal week flags nothing; zero-error installations are not "with errors"', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db }));
    await twoWeeks(t, 10, 10);
    const res = await t.gql<AnomaliesData>(ANOMALIES, undefined, admin);
    assert.equal(res.data?.anomalies, []);
    const denied = await t.gql(ANOMALIES);
    assert.is(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN', 'operator only');
  });

  test('anomalies: a crafted drop in active installations flags exactly that', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db }));
    await twoWeeks(t, 10, 4);
    const kinds = (await t.gql<AnomaliesData>(ANOMALIES, undefined, admin)).data!.anomalies!;
    assert.equal(
      kinds.map((a) => [a.kind, a.severity]),
      [['ACTIVE_INSTALLATIONS_DROP', 'HIGH']],
    );
    assert.match(kinds[0].message, /60%.*10 → 4/);
  });

  test('anomalies: a spike in active installations, an error spike and a high error rate', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db }));
    await twoWeeks(t, 6, 10, [2, 5]);
    const found = (await t.gql<AnomaliesData>(ANOMALIES, undefined, admin)).data!.anomalies!.map((a) => [a.kind, a.severity]);
    assert.equal(found, [
      ['ACTIVE_INSTALLATIONS_SPIKE', 'INFO'],
      ['ERROR_SPIKE', 'HIGH'],
      ['HIGH_ERROR_RATE', 'HIGH'],
    ]);
  });

  test('anomalies: report volume against the 30-day daily mean', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db }));
    for (let day = 1; day <= 30; day++) {
      t.clock.set(new Date(Date.UTC(2026, 9, 28 + day, 8)).toISOString());
      for (let i = 0; i < 6; i++) await t.submit(makeReport({ end: new Date(Date.UTC(2026, 9, 28 + day)).toISOString(), days: 1 }));
    }
    // 2026-11-27 (yesterday when it is 2026-11-28) had 6 reports like every day: nothing to flag.
    t.clock.set('2026-11-28T12:00:00Z');
    assert.equal(
      (await t.gql<AnomaliesData>(ANOMALIES, undefined, admin)).data!.anomalies!.filter((a) => a.kind.startsWith('REPORT_VOLUME')),
      [],
    );
    // A burst on 2026-11-28: 30 reports against a mean of 6 a day. Seen from 2026-11-29, a spike.
    for (let i = 0; i < 30; i++) await t.submit(makeReport({ end: '2026-11-28T00:00:00.000Z', days: 1 }));
    t.clock.set('2026-11-29T12:00:00Z');
    let kinds = (await t.gql<AnomaliesData>(ANOMALIES, undefined, admin)).data!.anomalies!.filter((a) => a.kind.startsWith('REPORT_VOLUME'));
    assert.equal(
      kinds.map((a) => [a.kind, a.severity]),
      [['REPORT_VOLUME_SPIKE', 'INFO']],
    );
    assert.match(kinds[0].message, /^30 reports yesterday against a 30-day mean of 6\.0 a day/);
    // Then nothing on 2026-11-29: seen from 2026-11-30, a drop.
    t.clock.set('2026-11-30T12:00:00Z');
    kinds = (await t.gql<AnomaliesData>(ANOMALIES, undefined, admin)).data!.anomalies!.filter((a) => a.kind.startsWith('REPORT_VOLUME'));
    assert.equal(
      kinds.map((a) => [a.kind, a.severity]),
      [['REPORT_VOLUME_DROP', 'MEDIUM']],
    );
  });

  test.run();
}
