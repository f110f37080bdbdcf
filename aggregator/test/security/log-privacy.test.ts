import { randomUUID } from 'node:crypto';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { startServer, type ServerProcess } from '../../../test/helpers/server-process.js';
import { testRedisAvailable, TEST_REDIS_URL } from '../../../test/helpers/redis.js';
import { createTempDatabase, type TempDatabase } from '../../../test/helpers/temp-database.js';
import { withDeadline } from '../../../test/helpers/wait.js';
import { makeReport, SUBMIT, DELETE } from '../helpers/aggregator.js';

/**
 * Issue 9, defect 4: no client address and no secret or key in any log line, at any level. The
 * aggregator runs as its own process at LOG_LEVEL=trace behind a (simulated) proxy, so the client
 * address is a distinctive one from X-Forwarded-For; a realistic sequence of requests (accepted,
 * duplicate, refused, rate-limited, guessed, deleted, broken) runs against it, with Redis up and
 * with Redis unreachable, and the whole captured output is searched.
 */
const API_KEY = `log-test-api-key-${randomUUID()}`;
const ADMIN_KEY = `log-test-admin-key-${randomUUID()}`;
const CLIENT = `198.51.100.${10 + Math.floor(Math.random() * 200)}`;
const CLIENT_V6 = `2001:db8:77::${randomUUID().slice(0, 4)}`;
const SECRET = `installation-secret-${randomUUID()}`;
const WRONG_SECRET = `wrong-secret-${randomUUID()}`;
const GUESSED_ADMIN = `guessed-admin-${randomUUID()}`;

const test = suite<{ db: TempDatabase }>('security: no client address, secret or key in the aggregator log (LOG_LEVEL=trace)');

test.before.each(async (ctx) => {
  ctx.db = await createTempDatabase('sqlite');
});
test.after.each(async (ctx) => {
  await ctx.db.drop();
});

async function run(server: ServerProcess): Promise<string[]> {
  const base = await withDeadline(server.url, { timeoutMs: 60_000, message: 'the aggregator to start' });
  const codes: string[] = [];
  const post = async (body: string, headers: Record<string, string> = {}, client = CLIENT) => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.8.7, ${client}`, ...headers },
      body,
    });
    const json = (await res.json().catch(() => ({}))) as { errors?: { extensions?: { code?: string } }[] };
    codes.push(json.errors?.[0]?.extensions?.code ?? String(res.status));
  };
  const gql = (query: string, variables: unknown, headers: Record<string, string> = {}, client?: string) =>
    post(JSON.stringify({ query, variables }), headers, client);
  const report = makeReport();
  const id = report.installation.installationId;
  const owner = { 'x-api-key': API_KEY, 'x-installation-secret': SECRET };
  await gql(SUBMIT, { input: report }, owner);
  await gql(SUBMIT, { input: report }, owner);
  await gql(SUBMIT, { input: makeReport({ installationId: id, end: '2026-11-21T00:00:00.000Z' }) }, owner);
  await gql(SUBMIT, { input: makeReport({ installationId: id, end: '2026-11-14T00:00:00.000Z' }) }, owner);
  await gql(SUBMIT, { input: makeReport({ installationId: id, end: '2026-11-07T00:00:00.000Z' }) }, owner, CLIENT_V6);
  await gql(SUBMIT, { input: makeReport({ installationId: id }) }, { ...owner, 'x-installation-secret': WRONG_SECRET });
  await gql(SUBMIT, { input: makeReport() }, { ...owner, 'x-api-key': `guess-${API_KEY}` });
  await gql(SUBMIT, { input: { ...makeReport(), schemaVersion: 99 } }, owner);
  for (let i = 0; i < 4; i++) await gql('{ anomalies { kind } }', {}, { 'x-admin-key': GUESSED_ADMIN });
  await gql('{ anomalies { kind } statsSummary { reportsAccepted } }', {}, { 'x-admin-key': ADMIN_KEY }, CLIENT_V6);
  await gql(DELETE, { input: { installationId: id } }, { 'x-installation-secret': WRONG_SECRET }, CLIENT_V6);
  await gql(DELETE, { input: { installationId: id } }, { 'x-installation-secret': SECRET }, CLIENT_V6);
  await post(`{"query": "${SECRET}`);
  await gql('{ statsSumary { __typename } }', {});
  await gql(`{ __type(name: "${'['.repeat(3000)}") { name } }`, {});
  await fetch(`${base}/ready`, { headers: { 'x-forwarded-for': CLIENT } });
  await fetch(`${base}/metrics`, { headers: { 'x-forwarded-for': CLIENT } });
  server.child.kill('SIGTERM');
  await withDeadline(server.exit, { timeoutMs: 30_000, message: 'the aggregator to stop' });
  return codes;
}

const env = (db: TempDatabase, redis: string) => ({
  AGGREGATOR_HOST: '127.0.0.1',
  AGGREGATOR_PORT: '0',
  AGGREGATOR_DATABASE_URL: db.url,
  AGGREGATOR_API_KEYS: API_KEY,
  AGGREGATOR_ADMIN_KEY: ADMIN_KEY,
  AGGREGATOR_REDIS_URL: redis,
  AGGREGATOR_TRUST_PROXY: '1',
  AGGREGATOR_RATE_LIMIT_PER_HOUR: '2',
  AGGREGATOR_AUTH_FAILURES_PER_IP_PER_HOUR: '3',
  AGGREGATOR_SUMMARY_MAX_AGE_SECONDS: '0',
  LOG_LEVEL: 'trace',
});

function assertClean(output: string): void {
  const lines = output.split('\n').filter(Boolean);
  assert.ok(lines.length > 5, `the run logged something at trace level: ${output}`);
  for (const [what, value] of [
    ['the client address', CLIENT],
    ['the IPv6 client address', CLIENT_V6],
    ['the installation secret', SECRET],
    ['a guessed secret', WRONG_SECRET],
    ['the API key', API_KEY],
    ['the admin key', ADMIN_KEY],
    ['a guessed admin key', GUESSED_ADMIN],
  ]) {
    const hit = lines.find((l) => l.includes(value));
    assert.not.ok(hit, `${what} is in the log: ${hit}`);
  }
}

const redisUp = await testRedisAvailable();
if (redisUp) {
  test('Redis up: accepted, duplicate, refused, limited, guessed, deleted and broken requests', async ({ db }) => {
    const server = startServer('aggregator', env(db, TEST_REDIS_URL), { built: false });
    try {
      const codes = await run(server);
      assert.ok(codes.includes('RATE_LIMITED') && codes.includes('FORBIDDEN') && codes.includes('200'), codes.join());
      assertClean(server.output());
    } finally {
      server.child.kill('SIGKILL');
    }
  });
}

test('Redis unreachable: the limiter fails and says so without an address', async ({ db }) => {
  const server = startServer('aggregator', env(db, 'redis://127.0.0.1:1'), { built: false });
  try {
    const codes = await run(server);
    assert.ok(codes.includes('SERVICE_UNAVAILABLE'), codes.join());
    assertClean(server.output());
  } finally {
    server.child.kill('SIGKILL');
  }
});

test.run();
