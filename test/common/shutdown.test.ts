import { Agent, get } from 'node:http';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { loadAggregatorConfig } from '../../aggregator/src/config.js';
import { entities as aggregatorEntities, Report } from '../../aggregator/src/entities/index.js';
import { aggregatorMigrations } from '../../aggregator/src/migrations/index.js';
import { API_KEY, makeReport, secretFor, SUBMIT } from '../../aggregator/test/helpers/aggregator.js';
import { openDatabase } from '../../common/db.js';
import { loadLocalConfig } from '../../src/config.js';
import { entities } from '../../src/entities/index.js';
import { UsageEvent } from '../../src/entities/usage-event.entity.js';
import { localMigrations } from '../../src/migrations/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { heldPost, startServer } from '../helpers/server-process.js';
import { createTempDatabase } from '../helpers/temp-database.js';
import { withDeadline } from '../helpers/wait.js';

const RECORD = JSON.stringify({ query: 'mutation { recordUsageEvent(input: { type: JOB_COMPLETED, durationSeconds: 600 }) { event { type } } }' });
const SHUTTING_DOWN = /"msg":"shutting down/;
const CUT = /end of the grace period/;

async function localEventTypes(url: string): Promise<string[]> {
  const orm = await openDatabase({ url, entities, migrations: localMigrations });
  try {
    return (await orm.em.fork().find(UsageEvent, {}, { orderBy: { id: 'asc' } })).map((e) => e.type);
  } finally {
    await orm.close();
  }
}

/** A GET on a keep-alive agent: its connection stays open and idle afterwards. */
function keepAliveGet(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

const test = suite('graceful shutdown of the compiled servers (real processes, real HTTP)');

test.before(async () => {
  await ensureBuilt();
});

test('SHUTDOWN_GRACE_MS is parsed by both configurations: default 10 s, a bad value names the variable', () => {
  assert.is(loadLocalConfig({}).shutdownGraceMs, 10_000);
  assert.is(loadAggregatorConfig({ SHUTDOWN_GRACE_MS: '2500' }).shutdownGraceMs, 2500);
  assert.throws(
    () => loadLocalConfig({ SHUTDOWN_GRACE_MS: '-1' }),
    /Invalid environment variable SHUTDOWN_GRACE_MS="-1"; expected a whole number from 0 to 600000/,
  );
  assert.throws(() => loadAggregatorConfig({ SHUTDOWN_GRACE_MS: 'soon' }), /SHUTDOWN_GRACE_MS/);
});

test('local API: a request in flight at SIGTERM gets its normal answer (a repeated signal changes nothing), new connections are refused, idle keep-alive ones do not hold the exit', async () => {
  const db = await createTempDatabase('sqlite');
  // A grace period far beyond the test's deadlines: only draining can let the process exit in time.
  const server = startServer('local', { HOST: '127.0.0.1', PORT: '0', DATABASE_URL: db.url, SHUTDOWN_GRACE_MS: '600000' });
  const agent = new Agent({ keepAlive: true });
  try {
    const base = await withDeadline(server.url, { timeoutMs: 60_000, message: 'the local API to print its address' });
    assert.is(await keepAliveGet(`${base}/health`, agent), 200);
    const held = heldPost(base, '/graphql', RECORD);
    await withDeadline(held.dispatched, { timeoutMs: 30_000, message: 'the server to dispatch the held request (100 Continue)' });
    held.sendPart(10);
    server.child.kill('SIGTERM');
    await server.waitForOutput(SHUTTING_DOWN, 'the server to log that it is shutting down');
    // What a terminal's Ctrl-C under `npm start` adds: npm forwards the SIGINT the server already had.
    server.child.kill('SIGINT');
    let refused: unknown = null;
    await fetch(`${base}/health`).catch((err: unknown) => (refused = err));
    assert.ok(refused, 'a new connection after SIGTERM is refused');
    held.finish();
    const res = await withDeadline(held.response, { timeoutMs: 30_000, message: 'the answer to the held request' });
    assert.is(res.status, 200, res.body);
    assert.equal(JSON.parse(res.body), { data: { recordUsageEvent: { event: { type: 'JOB_COMPLETED' } } } });
    assert.is(res.headers.connection, 'close', 'the drained connection is closed after its answer');
    assert.is(await withDeadline(server.exit, { timeoutMs: 60_000, message: 'the server to exit once drained' }), 0, server.output());
    assert.not.match(server.output(), CUT, 'nothing had to be cut');
    assert.not.match(server.output(), /"level":50/, `no error logged:\n${server.output()}`);
    assert.equal(await localEventTypes(db.url), ['APP_START', 'JOB_COMPLETED', 'APP_SHUTDOWN'], 'the database closed after the request, not under it');
  } finally {
    agent.destroy();
    server.child.kill('SIGKILL');
    await db.drop();
  }
});

test('local API: a request that outlasts SHUTDOWN_GRACE_MS is cut at the deadline, and the server still stops cleanly', async () => {
  const db = await createTempDatabase('sqlite');
  const server = startServer('local', { HOST: '127.0.0.1', PORT: '0', DATABASE_URL: db.url, SHUTDOWN_GRACE_MS: '200' });
  try {
    const base = await withDeadline(server.url, { timeoutMs: 60_000, message: 'the local API to print its address' });
    const held = heldPost(base, '/graphql', RECORD);
    await withDeadline(held.dispatched, { timeoutMs: 30_000, message: 'the server to dispatch the held request (100 Continue)' });
    held.sendPart(10);
    server.child.kill('SIGTERM');
    assert.is(await withDeadline(server.exit, { timeoutMs: 60_000, message: 'the server to exit after the grace period' }), 0, server.output());
    assert.match(server.output(), CUT);
    let cut: unknown = null;
    await held.response.catch((err: unknown) => (cut = err));
    assert.ok(cut, 'the unfinished request lost its connection');
    assert.equal(await localEventTypes(db.url), ['APP_START', 'APP_SHUTDOWN']);
  } finally {
    server.child.kill('SIGKILL');
    await db.drop();
  }
});

test('aggregator: a submitReport in flight at SIGTERM is accepted and stored before the database closes', async () => {
  const db = await createTempDatabase('sqlite');
  const server = startServer('aggregator', {
    AGGREGATOR_PORT: '0',
    AGGREGATOR_DATABASE_URL: db.url,
    AGGREGATOR_API_KEYS: API_KEY,
    SHUTDOWN_GRACE_MS: '600000',
  });
  try {
    const base = await withDeadline(server.url, { timeoutMs: 60_000, message: 'the aggregator to print its address' });
    const report = makeReport();
    const held = heldPost(base, '/graphql', JSON.stringify({ query: SUBMIT, variables: { input: report } }), {
      'x-api-key': API_KEY,
      'x-installation-secret': secretFor(report.installation.installationId),
    });
    await withDeadline(held.dispatched, { timeoutMs: 30_000, message: 'the aggregator to dispatch the held request (100 Continue)' });
    held.sendPart(100);
    server.child.kill('SIGTERM');
    await server.waitForOutput(SHUTTING_DOWN, 'the aggregator to log that it is shutting down');
    held.finish();
    const res = await withDeadline(held.response, { timeoutMs: 30_000, message: 'the answer to the held submitReport' });
    assert.is(res.status, 200, res.body);
    assert.is((JSON.parse(res.body) as { data?: { submitReport?: { reportId?: string } } }).data?.submitReport?.reportId, report.reportId, res.body);
    assert.is(await withDeadline(server.exit, { timeoutMs: 60_000, message: 'the aggregator to exit once drained' }), 0, server.output());
    assert.not.match(server.output(), /"level":50/, `no error logged:\n${server.output()}`);
    const orm = await openDatabase({ url: db.url, entities: aggregatorEntities, migrations: aggregatorMigrations });
    try {
      assert.is(await orm.em.fork().count(Report, {}), 1);
    } finally {
      await orm.close();
    }
  } finally {
    server.child.kill('SIGKILL');
    await db.drop();
  }
});

test.run();
