import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ConfigError } from '../../common/config.js';
import { loadAggregatorConfig } from '../src/config.js';

const test = suite('aggregator configuration');

test('defaults', () => {
  const c = loadAggregatorConfig({});
  assert.equal(
    [c.port, c.databaseUrl, c.apiKeys, c.adminKey, c.ratePerInstallation, c.ratePerIp, c.redisUrl, c.kAnonymity, c.retentionDays, c.maxBodyBytes, c.trustProxy],
    [8080, 'sqlite:./data/aggregator.sqlite', ['printernizer-public-client-key-v1'], null, 10, 100, null, 5, 730, 65536, false],
  );
  assert.equal(loadAggregatorConfig({ AGGREGATOR_API_KEYS: 'new-key-0123456789abcdef, old-key-0123456789abcdef' }).apiKeys, [
    'new-key-0123456789abcdef',
    'old-key-0123456789abcdef',
  ]);
});

test('bad values name the variable and what it accepts', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ AGGREGATOR_API_KEYS: 'short' }, /AGGREGATOR_API_KEYS.*keys of 16 to 256 characters/],
    [{ AGGREGATOR_ADMIN_KEY: 'short' }, /AGGREGATOR_ADMIN_KEY.*16 to 256/],
    [{ AGGREGATOR_RATE_LIMIT_PER_HOUR: '0' }, /AGGREGATOR_RATE_LIMIT_PER_HOUR="0".*from 1 to 100000/],
    [{ AGGREGATOR_REDIS_URL: 'localhost:6379' }, /AGGREGATOR_REDIS_URL.*redis:\/\/host:port/],
    [{ AGGREGATOR_K_ANONYMITY: '-1' }, /AGGREGATOR_K_ANONYMITY/],
    [{ AGGREGATOR_MAX_BODY_BYTES: '10' }, /AGGREGATOR_MAX_BODY_BYTES.*from 1024/],
    [{ AGGREGATOR_TRUST_PROXY: 'maybe' }, /AGGREGATOR_TRUST_PROXY.*1 or 0/],
  ];
  for (const [env, message] of cases)
    assert.throws(
      () => loadAggregatorConfig(env),
      (e: Error) => e instanceof ConfigError && message.test(e.message),
      JSON.stringify(env),
    );
});

test.run();
