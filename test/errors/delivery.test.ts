import { randomUUID } from 'node:crypto';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { API_KEY, createTestAggregator, makeReport, secretFor, type TestAggregator } from '../../aggregator/test/helpers/aggregator.js';
import { ERROR_CODES, isErrorCode, type ErrorCode } from '../../common/errors.js';
import type { UsageReport } from '../../common/report/contract.js';
import { DeliveryError, sendReport, type ClientOptions } from '../../src/jobs/aggregator-client.js';
import { testDatabaseKinds } from '../helpers/databases.js';

const RETRIES = 2;

/** The submission client talking to a real aggregator in-process; every attempt's error is kept. */
async function deliver(aggregator: TestAggregator, report: UsageReport, o: { apiKey?: string } = {}) {
  const options: ClientOptions = {
    endpoint: 'http://aggregator.test/graphql',
    apiKey: o.apiKey ?? API_KEY,
    transport: async (url, init) =>
      aggregator.app.yoga.fetch(
        url,
        { method: init.method, headers: init.headers, body: init.body, signal: init.signal },
        { req: { socket: { remoteAddress: '198.51.100.4' } } },
      ),
    timeoutMs: 5000,
    retries: RETRIES,
    minBackoffMs: 1,
    maxWaitMs: 1000,
  };
  const attempts: (DeliveryError | null)[] = [];
  try {
    await sendReport(options, report, secretFor(report.installation.installationId), new AbortController().signal, (e) => attempts.push(e));
  } catch (err) {
    assert.instance(err, DeliveryError);
    return { error: err as DeliveryError, attempts };
  }
  return { error: null, attempts };
}

/** The refusal's code is the one expected, it was retried exactly when the catalog says so, and no more. */
function assertRetriedByCatalog(outcome: Awaited<ReturnType<typeof deliver>>, expected: readonly ErrorCode[], what: string) {
  const { error, attempts } = outcome;
  assert.ok(error, `${what}: refused`);
  const code = error.code;
  assert.ok(isErrorCode(code) && expected.includes(code), `${what}: ${code} is one of ${expected.join(', ')}`);
  const spec = ERROR_CODES[code];
  assert.is(error.retryable, spec.retryable, `${what}: retryable as the catalog says`);
  // A Retry-After longer than the run may wait ends the run after one attempt, to be retried by a later run.
  const expectedAttempts = spec.retryable && error.retryAfterMs === null ? RETRIES + 1 : 1;
  assert.is(attempts.length, expectedAttempts, `${what}: attempts`);
}

for (const db of await testDatabaseKinds()) {
  const test = suite(`the submission client against a real aggregator retries by the catalog [${db}]`);

  test('UNAUTHENTICATED, BAD_USER_INPUT and RATE_LIMITED as the aggregator answers them', async () => {
    const aggregator = await createTestAggregator({ db, env: { AGGREGATOR_RATE_LIMIT_PER_HOUR: '1' } });
    try {
      assertRetriedByCatalog(await deliver(aggregator, makeReport(), { apiKey: 'not-a-known-key-0123456789' }), ['UNAUTHENTICATED'], 'an unknown API key');
      assertRetriedByCatalog(await deliver(aggregator, makeReport({ reportId: 'not-a-uuid' })), ['BAD_USER_INPUT'], 'an invalid report');
      const installationId = randomUUID();
      const first = await deliver(aggregator, makeReport({ installationId }));
      assert.is(first.error, null, 'the first report is accepted');
      const limited = await deliver(aggregator, makeReport({ installationId, end: '2026-11-21T00:00:00.000Z' }));
      assertRetriedByCatalog(limited, ['RATE_LIMITED'], 'over the hourly limit');
      assert.ok(limited.error!.retryAfterMs! > 1000, 'the Retry-After came through');
    } finally {
      await aggregator.close();
    }
  });

  test('PAYLOAD_TOO_LARGE is final', async () => {
    const aggregator = await createTestAggregator({ db, env: { AGGREGATOR_MAX_BODY_BYTES: '1024' } });
    try {
      const big = makeReport({ features: Array.from({ length: 60 }, (_, i) => ({ feature: `feature_${i}`, enabled: true })) });
      assertRetriedByCatalog(await deliver(aggregator, big), ['PAYLOAD_TOO_LARGE'], 'a body over the limit');
    } finally {
      await aggregator.close();
    }
  });

  test('a broken database on the aggregator is retried, as its 5xx code says', async () => {
    const aggregator = await createTestAggregator({ db });
    try {
      await aggregator.app.services.orm.close(true);
      assertRetriedByCatalog(await deliver(aggregator, makeReport()), ['SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR'], 'the database is gone');
    } finally {
      await aggregator.close();
    }
  });

  test.run();
}
