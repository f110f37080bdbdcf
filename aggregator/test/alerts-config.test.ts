import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ConfigError } from '../../common/config.js';
import { loadAggregatorConfig } from '../src/config.js';

const test = suite('aggregator configuration: operator notices');

test('defaults: hourly checks and a weekly report, no channel', () => {
  assert.equal(loadAggregatorConfig({}).operator, { webhookUrl: null, smtpUrl: null, emailFrom: null, emailTo: [], checkSeconds: 3600, weeklyReport: true });
  const c = loadAggregatorConfig({
    AGGREGATOR_ALERT_WEBHOOK_URL: 'https://hooks.example.org/T0/B0/x',
    AGGREGATOR_SMTP_URL: 'smtps://user:pw@mail.example.org:465',
    AGGREGATOR_ALERT_EMAIL_FROM: 'stats@example.org',
    AGGREGATOR_ALERT_EMAIL_TO: 'a@example.org, b@example.org',
    AGGREGATOR_ANOMALY_CHECK_SECONDS: '0',
    AGGREGATOR_WEEKLY_REPORT: '0',
  }).operator;
  assert.equal(c, {
    webhookUrl: 'https://hooks.example.org/T0/B0/x',
    smtpUrl: 'smtps://user:pw@mail.example.org:465',
    emailFrom: 'stats@example.org',
    emailTo: ['a@example.org', 'b@example.org'],
    checkSeconds: 0,
    weeklyReport: false,
  });
});

test('bad values name the variable and what it accepts', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ AGGREGATOR_ALERT_WEBHOOK_URL: 'ftp://example.org' }, /AGGREGATOR_ALERT_WEBHOOK_URL.*http\(s\) URL/],
    [{ AGGREGATOR_SMTP_URL: 'mail.example.org' }, /AGGREGATOR_SMTP_URL.*smtp:\/\//],
    [{ AGGREGATOR_ALERT_EMAIL_FROM: 'nobody' }, /AGGREGATOR_ALERT_EMAIL_FROM.*e-mail address/],
    [{ AGGREGATOR_ALERT_EMAIL_TO: 'a@example.org,nope' }, /AGGREGATOR_ALERT_EMAIL_TO.*comma-separated e-mail addresses/],
    [{ AGGREGATOR_ANOMALY_CHECK_SECONDS: '-5' }, /AGGREGATOR_ANOMALY_CHECK_SECONDS.*from 0 to 604800/],
    [{ AGGREGATOR_WEEKLY_REPORT: 'weekly' }, /AGGREGATOR_WEEKLY_REPORT.*1 or 0/],
  ];
  for (const [env, message] of cases)
    assert.throws(
      () => loadAggregatorConfig(env),
      (e: Error) => e instanceof ConfigError && message.test(e.message),
      JSON.stringify(env),
    );
});

test.run();
