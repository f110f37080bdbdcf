import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { testDatabaseKinds } from '../../test/helpers/databases.js';
import { waitFor } from '../../test/helpers/wait.js';
import { createTestAggregator, makeReport, type TestAggregator } from './helpers/aggregator.js';
import { receiverEnv, SmtpReceiver, WebhookReceiver } from './helpers/operator-receivers.js';

interface AlertBody {
  type: string;
  text: string;
  version: string;
  status: 'firing' | 'resolved';
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string }[];
}

const IDS = Array.from({ length: 10 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
const failing = [{ errorType: 'connection_timeout', component: 'bambu_lab', count: 2 }];

/** One report per installation for the day ending at `end`; the first `errors` of them report errors. */
async function reportDay(t: TestAggregator, end: string, errors: number) {
  for (const [i, id] of IDS.entries()) {
    const res = await t.submit(makeReport({ installationId: id, end, days: 1, errors: i < errors ? failing : [] }));
    assert.ok(res.data?.submitReport, JSON.stringify(res.errors));
  }
}

async function metric(t: TestAggregator, line: string): Promise<number> {
  const text = await (await t.app.yoga.fetch('http://aggregator.test/metrics')).text();
  const found = text.split('\n').find((l) => l.startsWith(line + ' '));
  return found ? Number(found.split(' ').pop()) : 0;
}

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator; hook: WebhookReceiver; smtp: SmtpReceiver }>(`aggregator alerts [${db}]`);
  test.before.each(async (ctx) => {
    ctx.hook = await new WebhookReceiver().start();
    ctx.smtp = await new SmtpReceiver().start();
    ctx.t = await createTestAggregator({ db, now: '2026-11-27T12:00:00.000Z', env: receiverEnv(ctx.hook, ctx.smtp, { AGGREGATOR_WEEKLY_REPORT: '0' }) });
  });
  test.after.each(async ({ t, hook, smtp }) => {
    await t.close();
    await hook.stop();
    await smtp.stop();
  });

  test('a new anomaly is notified once by webhook and e-mail, again when it worsens, and a resolved notice when it clears', async ({ t, hook, smtp }) => {
    // Other rules may fire on the way (a volume spike: these are the first reports): this is about one.
    const alerts = () => (hook.bodies as unknown as AlertBody[]).filter((b) => b.alerts[0].labels.alertname === 'HIGH_ERROR_RATE');
    const mails = () => smtp.mails.filter((m) => m.subject.includes('HIGH_ERROR_RATE'));
    // 4 of 10 active installations report errors: HIGH_ERROR_RATE, MEDIUM.
    await reportDay(t, '2026-11-27T00:00:00.000Z', 4);
    await t.app.operator.runNow();
    assert.is(alerts().length, 1);
    const [first] = alerts();
    assert.is(first.version, '4');
    assert.is(first.status, 'firing');
    assert.equal(first.alerts[0].labels, {
      alertname: 'HIGH_ERROR_RATE',
      kind: 'HIGH_ERROR_RATE',
      severity: 'medium',
      service: 'printernizer-stats-aggregator',
    });
    assert.is(first.alerts[0].annotations.change, 'new');
    assert.is(first.alerts[0].endsAt, '0001-01-01T00:00:00Z');
    assert.match(first.text, /HIGH_ERROR_RATE/);
    assert.is(mails().length, 1);
    assert.equal(mails()[0].to, ['operator@example.org', 'oncall@example.org']);
    assert.is(mails()[0].from, 'stats@example.org');
    assert.match(mails()[0].subject, /New anomaly: HIGH_ERROR_RATE \(MEDIUM\)/i);
    assert.match(mails()[0].text ?? '', /40% of active installations/);
    assert.is(await metric(t, 'aggregator_anomaly_active{kind="HIGH_ERROR_RATE",severity="MEDIUM"}'), 1);

    // It persists unchanged: no repeat.
    await t.app.operator.runNow();
    await t.app.operator.runNow();
    assert.is(alerts().length, 1, 'no repeat while it persists');
    assert.is(mails().length, 1, 'no repeat mail while it persists');

    // 6 of 10: HIGH, a worsening.
    t.clock.set('2026-11-28T12:00:00.000Z');
    await reportDay(t, '2026-11-28T00:00:00.000Z', 6);
    await t.app.operator.runNow();
    assert.is(alerts().length, 2);
    assert.is(alerts()[1].status, 'firing');
    assert.is(alerts()[1].alerts[0].labels.severity, 'high');
    assert.is(alerts()[1].alerts[0].annotations.change, 'worsened');
    assert.is(alerts()[1].alerts[0].startsAt, first.alerts[0].startsAt, 'still the same anomaly');
    assert.match(mails()[1].subject, /worsened/i);
    assert.is(await metric(t, 'aggregator_anomaly_active{kind="HIGH_ERROR_RATE",severity="HIGH"}'), 1);
    assert.is(await metric(t, 'aggregator_anomaly_active{kind="HIGH_ERROR_RATE",severity="MEDIUM"}'), 0);

    // Everyone reports without errors: resolved, once.
    t.clock.set('2026-11-29T12:00:00.000Z');
    await reportDay(t, '2026-11-29T00:00:00.000Z', 0);
    await t.app.operator.runNow();
    await t.app.operator.runNow();
    assert.is(alerts().length, 3);
    const resolved = alerts()[2];
    assert.is(resolved.status, 'resolved');
    assert.is(resolved.type, 'resolved');
    assert.is(resolved.alerts[0].labels.alertname, 'HIGH_ERROR_RATE');
    assert.is.not(resolved.alerts[0].endsAt, '0001-01-01T00:00:00Z');
    assert.is(mails().length, 3);
    assert.match(mails()[2].subject, /resolved/i);
    assert.is(await metric(t, 'aggregator_anomaly_active{kind="HIGH_ERROR_RATE",severity="HIGH"}'), 0);
    assert.is(await metric(t, 'aggregator_notifications_total{channel="webhook",kind="resolved",result="sent"}'), 1);
  });

  test('a notice the webhook refused is sent again by the next run, and only once', async ({ t, hook, smtp }) => {
    const mails = () => smtp.mails;
    await reportDay(t, '2026-11-27T00:00:00.000Z', 6);
    hook.failNext = 1;
    await t.app.operator.runNow();
    assert.is(hook.bodies.length, 0);
    assert.is(mails().length, 1, 'the mail went out');
    assert.is(await metric(t, 'aggregator_notifications_total{channel="webhook",kind="alert",result="failed"}'), 1);
    await t.app.operator.runNow();
    assert.is(hook.bodies.length, 1, 'retried');
    assert.is((hook.bodies[0] as unknown as AlertBody).alerts[0].labels.severity, 'high');
    await t.app.operator.runNow();
    assert.is(hook.bodies.length, 1, 'and not again');
  });

  test('the check runs on its schedule once started', async ({ hook }) => {
    const scheduled = await createTestAggregator({
      db,
      now: '2026-11-27T12:00:00.000Z',
      env: receiverEnv(hook, new SmtpReceiver(), { AGGREGATOR_WEEKLY_REPORT: '0', AGGREGATOR_ANOMALY_CHECK_SECONDS: '1', AGGREGATOR_SMTP_URL: '' }),
    });
    try {
      await reportDay(scheduled, '2026-11-27T00:00:00.000Z', 6);
      scheduled.app.start();
      await waitFor(() => hook.bodies.length > 0, { timeoutMs: 10_000, message: 'the scheduled anomaly check to notify' });
      assert.is((hook.bodies[0] as unknown as AlertBody).alerts[0].labels.alertname, 'HIGH_ERROR_RATE');
    } finally {
      await scheduled.close();
    }
  });

  test.run();
}
