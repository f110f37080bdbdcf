import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { testDatabaseKinds } from '../../test/helpers/databases.js';
import { ADMIN_KEY, createTestAggregator, DELETE, deletionOf, makeReport, type TestAggregator } from './helpers/aggregator.js';

const SUMMARY = `{ statsSummary { generatedAt installationsEverReported activeInstallations lastReportReceivedAt printersOfActiveInstallations
  installationsByAppVersion { key count } installationsByCountry { key count } featureAdoption { feature enabledInstallations } } }`;

interface Summary {
  generatedAt: string;
  installationsEverReported: number;
  activeInstallations: number;
  lastReportReceivedAt: string | null;
  printersOfActiveInstallations: number;
  installationsByAppVersion: { key: string; count: number }[];
  installationsByCountry: { key: string; count: number }[];
  featureAdoption: { feature: string; enabledInstallations: number }[];
}

const summary = async (t: TestAggregator) => {
  const res = await t.gql<{ statsSummary: Summary }>(SUMMARY);
  assert.equal(res.errors, undefined);
  return res.data!.statsSummary;
};
const versions = (s: Summary) => s.installationsByAppVersion.map((b) => `${b.key}:${b.count}`).join(' ');

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator; other?: TestAggregator }>(`statsSummary snapshot [${db}]`);
  test.after.each(async (ctx) => {
    await ctx.other?.close();
    await ctx.t.close();
    ctx.other = undefined;
  });

  test('served as of generatedAt until older than the maximum age; new installations, a new version, deletion and the 30-day window', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({
      db,
      now: '2026-11-28T12:00:00.000Z',
      env: { AGGREGATOR_K_ANONYMITY: '2', AGGREGATOR_SUMMARY_MAX_AGE_SECONDS: '60' },
    }));
    const ids = Array.from({ length: 5 }, () => crypto.randomUUID());
    for (const id of ids.slice(0, 3)) await t.submit(makeReport({ installationId: id }));
    let s = await summary(t);
    assert.is(s.generatedAt, '2026-11-28T12:00:00.000Z');
    assert.is(s.activeInstallations, 3);
    assert.is(versions(s), '2.42.0:3');

    // New installations, one on a version only it runs: not in the snapshot until it is 60 s old.
    t.clock.advance(10_000);
    await t.submit(makeReport({ installationId: ids[3] }));
    await t.submit(makeReport({ installationId: ids[4], installation: { appVersion: '2.43.0', countryCode: 'FR' } }));
    s = await summary(t);
    assert.is(s.generatedAt, '2026-11-28T12:00:00.000Z', 'the snapshot is 10 s old: served as it is');
    assert.is(s.installationsEverReported, 3);
    t.clock.advance(50_000);
    s = await summary(t);
    assert.is(s.generatedAt, '2026-11-28T12:01:00.000Z', '60 s old: recomputed by this request');
    assert.is(s.installationsEverReported, 5);
    assert.is(s.activeInstallations, 5);
    assert.is(s.printersOfActiveInstallations, 10);
    assert.is(versions(s), '2.42.0:4 other:1', '2.43.0 has one installation: folded (K = 2)');
    assert.equal(s.installationsByCountry, [
      { key: 'DE', count: 4 },
      { key: 'other', count: 1 },
    ]);

    // An installation's state changes: its new version replaces the old one in every distribution.
    t.clock.advance(1000);
    await t.submit(makeReport({ installationId: ids[0], installation: { appVersion: '2.43.0' }, features: [{ feature: 'timelapse', enabled: false }] }));
    await t.app.services.summary.refresh();
    s = await summary(t);
    assert.is(s.generatedAt, '2026-11-28T12:01:01.000Z', 'refresh() stores a new snapshot that requests then serve');
    assert.is(versions(s), '2.42.0:3 2.43.0:2', 'two installations on 2.43.0 now: no longer folded');
    assert.equal(s.featureAdoption, [{ feature: 'timelapse', enabledInstallations: 4 }]);
    assert.is(s.installationsEverReported, 5, 'a new report of a known installation is not a new installation');

    // Deletion: the next summary, at once and without the clock moving, no longer counts it.
    const deleted = await t.gql(DELETE, deletionOf(ids[4]), { headers: { 'x-admin-key': ADMIN_KEY } });
    assert.equal(deleted.errors, undefined);
    s = await summary(t);
    assert.is(s.installationsEverReported, 4);
    assert.is(s.activeInstallations, 4);
    assert.is(versions(s), '2.42.0:3 other:1', 'one installation left on 2.43.0: folded again');

    // Thirty days later nobody is active; the installations still count as having reported.
    t.clock.set('2026-12-28T12:01:02.000Z');
    s = await summary(t);
    assert.is(s.generatedAt, '2026-12-28T12:01:02.000Z');
    assert.is(s.activeInstallations, 0);
    assert.is(s.printersOfActiveInstallations, 0);
    assert.equal(s.installationsByAppVersion, []);
    assert.equal(s.featureAdoption, []);
    assert.is(s.installationsEverReported, 4);
    assert.is(s.lastReportReceivedAt, '2026-11-28T12:01:01.000Z');
  });

  test('the active window is exact to the millisecond, as of generatedAt', async (ctx) => {
    const t = (ctx.t = await createTestAggregator({ db, now: '2026-11-28T12:00:00.000Z', env: { AGGREGATOR_SUMMARY_MAX_AGE_SECONDS: '0' } }));
    await t.submit(makeReport());
    t.clock.set('2026-12-28T12:00:00.000Z');
    assert.is((await summary(t)).activeInstallations, 1, 'exactly 30 × 24 hours: still active');
    t.clock.advance(1);
    assert.is((await summary(t)).activeInstallations, 0);
    const week = await t.gql<{ statsSummary: { activeInstallations: number } }>(`{ statsSummary { activeInstallations(days: 31) } }`);
    assert.is(week.data?.statsSummary.activeInstallations, 1);
  });

  test('two instances on one database serve the same snapshot; a deletion on one shows on the other at once', async (ctx) => {
    const env = { AGGREGATOR_SUMMARY_MAX_AGE_SECONDS: '60', AGGREGATOR_K_ANONYMITY: '1' };
    const t = (ctx.t = await createTestAggregator({ db, env }));
    const other = (ctx.other = await createTestAggregator({ db: t.db, env }));
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    await t.submit(makeReport({ installationId: a }));
    await t.submit(makeReport({ installationId: b }));
    const first = await summary(t);
    other.clock.advance(30_000);
    assert.equal(await summary(other), first, 'the other instance serves the stored snapshot');
    const deleted = await other.gql(DELETE, deletionOf(a), { headers: { 'x-admin-key': ADMIN_KEY } });
    assert.equal(deleted.errors, undefined);
    const after = await summary(t);
    assert.is(after.installationsEverReported, 1, 'the deletion invalidated the shared snapshot');
    assert.equal(await summary(other), { ...after }, 'and both serve the new one');
  });

  test.run();
}
