import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { query } from '../../common/sql.js';
import { testDatabaseKinds } from '../../test/helpers/databases.js';
import type { WeeklyReport } from '../src/reports/weekly.js';
import { createTestAggregator, makeReport, type TestAggregator } from './helpers/aggregator.js';
import { receiverEnv, SmtpReceiver, WebhookReceiver } from './helpers/operator-receivers.js';

const id = (group: string, i: number) => `00000000-0000-4000-8000-${group}${String(i).padStart(11, '0')}`;
const SCRIPT = `<script>alert('x&y')</script>`;
const IMG = `<img src=x onerror=alert(1)>`;
const SUMMARY = `{ statsSummary { installationsByAppVersion { key count share } printersByType { key count share } featureAdoption { feature enabledInstallations share } } }`;

interface Bucket {
  key: string;
  count: number;
  share: number;
}

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator; hook: WebhookReceiver; smtp: SmtpReceiver }>(`aggregator weekly report [${db}]`);
  test.before.each(async (ctx) => {
    ctx.hook = await new WebhookReceiver().start();
    ctx.smtp = await new SmtpReceiver().start();
    ctx.t = await createTestAggregator({
      db,
      now: '2026-11-18T12:00:00.000Z',
      env: receiverEnv(ctx.hook, ctx.smtp, { AGGREGATOR_SUMMARY_MAX_AGE_SECONDS: '0', AGGREGATOR_K_ANONYMITY: '5' }),
    });
  });
  test.after.each(async ({ t, hook, smtp }) => {
    await t.close();
    await hook.stop();
    await smtp.stop();
  });

  test('the weekly report goes out once, by e-mail (text and escaped HTML) and as JSON, with k-anonymous figures that match statsSummary', async ({
    t,
    hook,
    smtp,
  }) => {
    // The week before (from Monday 2026-11-16): 6 installations.
    for (let i = 0; i < 6; i++) await t.submit(makeReport({ installationId: id('a', i), end: '2026-11-18T00:00:00.000Z', days: 1 }));
    // The week reported (from 2026-11-23): the same 6, 5 of them with a common error and one with a rare one,
    // and 2 new installations on a version too rare to publish.
    t.clock.set('2026-11-25T12:00:00.000Z');
    for (let i = 0; i < 6; i++) {
      const errors =
        i < 5 ? [{ errorType: 'connection_timeout', component: 'bambu_lab', count: 3 }] : [{ errorType: 'rare_failure', component: 'prusa', count: 1 }];
      await t.submit(makeReport({ installationId: id('a', i), end: '2026-11-25T00:00:00.000Z', days: 1, errors }));
    }
    for (let i = 0; i < 2; i++) {
      const r = await t.submit(makeReport({ installationId: id('b', i), end: '2026-11-25T00:00:00.000Z', days: 1, installation: { appVersion: '9.9.9' } }));
      assert.ok(r.data?.submitReport, JSON.stringify(r.errors));
    }
    // Markup where ingest would refuse it, straight into the database.
    const em = t.app.services.orm.em.fork();
    await query(em, `update installation set app_version = ? where app_version = '2.42.0'`, [SCRIPT]);
    const payloadText = db === 'sqlite' ? 'payload' : 'payload::text';
    const back = db === 'sqlite' ? '' : '::jsonb';
    await query(em, `update report set payload = replace(${payloadText}, 'connection_timeout', ?)${back}`, [IMG]);
    // The anomaly check of that Wednesday opens HIGH_ERROR_RATE (6 of 8 with errors): an anomaly of the week.
    await t.app.operator.runNow();

    t.clock.set('2026-11-30T06:00:00.000Z');
    await t.app.operator.runNow();
    await t.app.operator.runNow();

    const weekly = hook.bodies.filter((b) => b.type === 'weekly_report' && (b.report as WeeklyReport).weekStart === '2026-11-23');
    assert.is(weekly.length, 1, 'sent once');
    const report = weekly[0].report as WeeklyReport;
    assert.match(String(weekly[0].text), /week of 2026-11-23: 8 installations reporting \(\+33\.3 %\)/);
    assert.is(report.weekEnd, '2026-11-30');
    assert.equal(report.installations, {
      everReported: 8,
      activeLast30Days: 8,
      reportingThisWeek: 8,
      reportingWeekBefore: 6,
      growth: 0.3333,
      firstReportedThisWeek: 2,
    });
    assert.equal(report.reports, { thisWeek: 8, weekBefore: 6 });

    // The distributions are statsSummary's, folded the same way.
    const s = (await t.gql<{ statsSummary: { installationsByAppVersion: Bucket[]; printersByType: Bucket[]; featureAdoption: unknown[] } }>(SUMMARY)).data!
      .statsSummary;
    assert.equal(report.appVersions, s.installationsByAppVersion);
    assert.equal(report.appVersions, [
      { key: SCRIPT, count: 6, share: 0.75 },
      { key: 'other', count: 2, share: 0.25 },
    ]);
    assert.equal(report.printerTypes, s.printersByType);
    assert.equal(report.features, s.featureAdoption);
    assert.equal(report.errors.byComponentAndType, [
      { key: `bambu_lab/${IMG}`, count: 15, share: 0.9375 },
      { key: 'other', count: 1, share: 0.0625 },
    ]);
    assert.is(report.errors.thisWeek, 16);
    assert.equal(
      report.anomalies.map((a) => [a.kind, a.severity, a.resolvedAt]),
      [['HIGH_ERROR_RATE', 'HIGH', null]],
    );

    const mails = smtp.mails.filter((m) => m.subject.includes('weekly report, week of 2026-11-23'));
    assert.is(mails.length, 1, 'one mail');
    const mail = mails[0];
    assert.ok(mail.text && mail.html, 'a text part and an HTML part');
    assert.match(mail.text, /^reporting this week: 8$/m);
    assert.ok(mail.text.includes(SCRIPT), 'plain text carries the value as it is');
    assert.ok(mail.html.includes('&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;'), 'escaped in HTML');
    assert.ok(mail.html.includes('bambu_lab/&lt;img src=x onerror=alert(1)&gt;'));
    assert.not.match(mail.html, /<script|<img/i, 'no markup from the data');
    for (const text of [mail.text, mail.html, JSON.stringify(weekly[0])]) {
      assert.not.ok(text.includes('9.9.9'), 'a version of 2 installations is not published');
      assert.not.ok(text.includes('rare_failure'), 'an error type of 1 installation is not published');
    }
  });

  test('a weekly report the webhook refused is sent again by the next run, and only once', async ({ t, hook, smtp }) => {
    t.clock.set('2026-11-30T06:00:00.000Z');
    hook.failNext = 1;
    await t.app.operator.runNow();
    const weekly = () => hook.bodies.filter((b) => b.type === 'weekly_report');
    assert.is(weekly().length, 0);
    assert.is(smtp.mails.filter((m) => m.subject.includes('weekly report')).length, 1);
    await t.app.operator.runNow();
    assert.is(weekly().length, 1, 'retried');
    assert.is((weekly()[0].report as WeeklyReport).weekStart, '2026-11-23');
    await t.app.operator.runNow();
    assert.is(weekly().length, 1, 'once');
  });

  test.run();
}
