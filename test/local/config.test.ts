import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ConfigError, loadLocalConfig } from '../../src/config.js';

const test = suite('configuration');

test('defaults', () => {
  const c = loadLocalConfig({});
  assert.is(c.host, '127.0.0.1');
  assert.is(c.port, 4000);
  assert.is(c.databaseUrl, 'sqlite:./data/printernizer-stats.sqlite');
  assert.is(c.submissionIntervalDays, 7);
  assert.is(c.eventRetentionDays, 365);
  assert.is(c.endpoint, 'https://stats.printernizer.com/graphql');
  assert.is(c.killSwitch, null);
});

test('a bad value stops start-up naming the variable and what it accepts', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: '70000' }, /PORT="70000".*a whole number from 0 to 65535/],
    [{ USAGE_STATS_SUBMISSION_INTERVAL_DAYS: '0' }, /USAGE_STATS_SUBMISSION_INTERVAL_DAYS="0".*from 1 to 30/],
    [{ USAGE_STATS_SUBMISSION_INTERVAL_DAYS: 'weekly' }, /USAGE_STATS_SUBMISSION_INTERVAL_DAYS.*from 1 to 30/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL.*sqlite:<path> or postgresql:/],
    [{ DO_NOT_TRACK: 'yes' }, /DO_NOT_TRACK.*1 or 0/],
    [{ DEPLOYMENT_MODE: 'kubernetes' }, /DEPLOYMENT_MODE.*home_assistant, docker, raspberry_pi, standalone/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL.*one of fatal/],
    [{ USAGE_STATS_ENDPOINT: 'ftp://x' }, /USAGE_STATS_ENDPOINT.*http\(s\) URL/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadLocalConfig(env),
      (e: Error) => e instanceof ConfigError && message.test(e.message),
      JSON.stringify(env),
    );
  }
});

test('reports go over https; plain http only to loopback or when allowed', () => {
  assert.throws(
    () => loadLocalConfig({ USAGE_STATS_ENDPOINT: 'http://80.240.28.236:8080/submit' }),
    (e: Error) => e instanceof ConfigError && /USAGE_STATS_ENDPOINT.*only sent over https.*USAGE_STATS_ALLOW_INSECURE=1/.test(e.message),
  );
  for (const url of ['http://localhost:8080/graphql', 'http://127.0.0.1:8080/graphql', 'http://[::1]:8080/graphql', 'https://stats.example.org/graphql']) {
    assert.is(loadLocalConfig({ USAGE_STATS_ENDPOINT: url }).endpoint, url);
  }
  assert.is(loadLocalConfig({ USAGE_STATS_ENDPOINT: 'http://stats.lan/graphql', USAGE_STATS_ALLOW_INSECURE: '1' }).endpoint, 'http://stats.lan/graphql');
  const c = loadLocalConfig({ USAGE_STATS_TIMEOUT: '30', USAGE_STATS_RETRY_COUNT: '0', USAGE_STATS_STARTUP_DELAY: '0', USAGE_STATS_CHECK_INTERVAL: '60' });
  assert.equal([c.submitTimeoutMs, c.retryCount, c.startupDelayMs, c.checkIntervalMs], [30_000, 0, 0, 60_000]);
  assert.throws(() => loadLocalConfig({ USAGE_STATS_TIMEOUT: '4' }), /USAGE_STATS_TIMEOUT="4".*from 5 to 60/);
  assert.throws(() => loadLocalConfig({ USAGE_STATS_RETRY_COUNT: '11' }), /USAGE_STATS_RETRY_COUNT="11".*from 0 to 10/);
});

test('kill switches and overrides', () => {
  assert.is(loadLocalConfig({ DO_NOT_TRACK: '1' }).killSwitch, 'DO_NOT_TRACK=1');
  assert.is(loadLocalConfig({ PRINTERNIZER_STATS_DISABLED: 'true' }).killSwitch, 'PRINTERNIZER_STATS_DISABLED=1');
  assert.is(loadLocalConfig({ DO_NOT_TRACK: '0' }).killSwitch, null);
  assert.is(loadLocalConfig({ DEPLOYMENT_MODE: 'raspberry-pi' }).deploymentMode, 'RASPBERRY_PI');
});

test.run();
