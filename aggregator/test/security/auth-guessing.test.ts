import { randomUUID } from 'node:crypto';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { testDatabaseKinds } from '../../../test/helpers/databases.js';
import { testRedisAvailable, TEST_REDIS_URL } from '../../../test/helpers/redis.js';
import { createTempDatabase } from '../../../test/helpers/temp-database.js';
import {
  ADMIN_KEY,
  API_KEY,
  createTestAggregator,
  DELETE,
  deletionOf,
  makeReport,
  SUBMIT,
  secretFor,
  type Response,
  type TestAggregator,
} from '../helpers/aggregator.js';

/**
 * Issue 9, defect 8: failed authentications (a wrong API key, admin key or installation secret) are
 * limited per client address, in counters shared by all instances. Past the limit every attempt from
 * that address is RATE_LIMITED (429, Retry-After), a right guess included, so guessing learns nothing more.
 */
const ANOMALIES = '{ anomalies { kind } }';
const LIMIT = 5;
const env = { AGGREGATOR_AUTH_FAILURES_PER_IP_PER_HOUR: String(LIMIT) };
/** Counters in Redis outlive a run: a fresh documentation-range address per test. */
const freshAddress = () => `2001:db8:9::${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}`;
const code = (r: Response) => r.errors?.[0]?.extensions?.code ?? 'ok';

type Attempt = (t: TestAggregator, address: string, right: boolean) => Promise<Response>;
const attempts = (owned: { id: string }): Record<string, Attempt> => ({
  'admin key on anomalies': (t, address, right) => t.gql(ANOMALIES, {}, { address, headers: { 'x-admin-key': right ? ADMIN_KEY : `guess-${randomUUID()}` } }),
  'admin key on deleteInstallation': (t, address, right) =>
    t.gql(DELETE, deletionOf(right ? randomUUID() : owned.id), { address, headers: { 'x-admin-key': right ? ADMIN_KEY : `guess-${randomUUID()}` } }),
  'API key on submitReport': (t, address, right) =>
    t.gql(
      SUBMIT,
      { input: makeReport() },
      { address, headers: { 'x-api-key': right ? API_KEY : `guess-${randomUUID()}`, 'x-installation-secret': 's-0123456789' } },
    ),
  'installation secret on submitReport': (t, address, right) =>
    t.submit(makeReport({ installationId: owned.id }), { address, secret: right ? secretFor(owned.id) : `guess-${randomUUID()}` }),
  'installation secret on deleteInstallation': (t, address, right) =>
    right
      ? t.gql(DELETE, deletionOf(randomUUID()), { address, headers: { 'x-admin-key': ADMIN_KEY } })
      : t.gql(DELETE, deletionOf(owned.id), { address, headers: { 'x-installation-secret': `guess-${randomUUID()}` } }),
});

for (const kind of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator; owned: { id: string } }>(`security: failed authentication is rate-limited per address [${kind}]`);
  test.before.each(async (ctx) => {
    ctx.t = await createTestAggregator({ db: kind, env });
    const report = makeReport();
    ctx.owned = { id: report.installation.installationId };
    assert.is(code(await ctx.t.submit(report)), 'ok');
  });
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  for (const what of Object.keys(attempts({ id: '' }))) {
    test(`${what}: ${LIMIT} failures answered, then 429 with Retry-After even for the right credential`, async ({ t, owned }) => {
      const attempt = attempts(owned)[what];
      const address = freshAddress();
      const failures = [];
      for (let i = 0; i < LIMIT; i++) failures.push(code(await attempt(t, address, false)));
      assert.ok(
        failures.every((c) => c === 'FORBIDDEN' || c === 'UNAUTHENTICATED'),
        failures.join(),
      );
      const refused = await attempt(t, address, false);
      assert.is(refused.status, 429, JSON.stringify(refused.errors));
      assert.is(code(refused), 'RATE_LIMITED');
      assert.ok(Number(refused.headers.get('retry-after')) > 0, 'Retry-After');
      assert.is(code(await attempt(t, address, true)), 'RATE_LIMITED', 'a right guess past the limit is not confirmed');
      assert.is(code(await attempt(t, freshAddress(), true)), 'ok', 'another address is not affected');
    });
  }

  test('200 concurrent admin-key guesses from one address: exactly the limit is answered', async ({ t }) => {
    const address = freshAddress();
    const results = await Promise.all(Array.from({ length: 200 }, () => attempts({ id: '' })['admin key on anomalies'](t, address, false)));
    const codes = results.map(code);
    assert.is(codes.filter((c) => c === 'FORBIDDEN').length, LIMIT, codes.join());
    assert.is(codes.filter((c) => c === 'RATE_LIMITED').length, 200 - LIMIT);
  });

  test('successes do not count: the owner and operator keep working', async ({ t, owned }) => {
    const address = freshAddress();
    for (let i = 0; i < 3 * LIMIT; i++) assert.is(code(await t.gql(ANOMALIES, {}, { address, headers: { 'x-admin-key': ADMIN_KEY } })), 'ok');
    for (let i = 0; i < 3 * LIMIT; i++) assert.is(code(await t.submit(makeReport({ installationId: owned.id }), { address })), 'ok');
  });

  test.run();
}

if ((await testDatabaseKinds()).includes('postgresql') && (await testRedisAvailable())) {
  const test = suite('security: failed authentication counted across two instances on one Redis');
  test('failures alternate between instances; the limit is shared', async () => {
    const db = await createTempDatabase('postgresql');
    const shared = { ...env, AGGREGATOR_REDIS_URL: TEST_REDIS_URL };
    const a = await createTestAggregator({ db, env: shared });
    const b = await createTestAggregator({ db, env: shared });
    try {
      const address = freshAddress();
      const guess = (t: TestAggregator) => t.gql(ANOMALIES, {}, { address, headers: { 'x-admin-key': `guess-${randomUUID()}` } });
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => guess(i % 2 ? a : b)));
      assert.is(results.filter((r) => code(r) === 'FORBIDDEN').length, LIMIT, results.map(code).join());
      assert.is(code(await guess(a)), 'RATE_LIMITED');
      assert.is(code(await guess(b)), 'RATE_LIMITED');
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
  test.run();
}
