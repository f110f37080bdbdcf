import { createServer, Socket as NetSocket, type Server, type Socket } from 'node:net';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { startServer } from '../../../test/helpers/server-process.js';
import { createTempDatabase, postgresReachable, type TempDatabase } from '../../../test/helpers/temp-database.js';
import { withDeadline } from '../../../test/helpers/wait.js';
import { createTestAggregator, makeReport, type Response, type TestAggregator } from '../helpers/aggregator.js';

/**
 * Issue 9, defect 2: with PostgreSQL refused or black-holed, submitReport and statsSummary answer
 * SERVICE_UNAVAILABLE (503, retryable) within the configured database timeout instead of
 * INTERNAL_SERVER_ERROR with 200 (or never), and work again once it is back. Started with PostgreSQL
 * down, the aggregator exits with one line. The outage is a TCP proxy in front of PostgreSQL that
 * this test controls.
 */
type Mode = 'pass' | 'blackhole' | 'refuse';

/** A TCP proxy to PostgreSQL: passes bytes, swallows them (black hole: accepts, never answers), or is closed (refused). */
async function pgProxy(target: URL): Promise<{ port: number; set(mode: Mode): Promise<void>; close(): Promise<void> }> {
  let mode: Mode = 'pass';
  const sockets = new Set<Socket>();
  const handle = (client: Socket) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (mode === 'blackhole') return;
    const upstream = new NetSocket();
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.connect(Number(target.port || 5432), target.hostname, () => {
      client.on('data', (d: Buffer) => mode === 'pass' && upstream.write(d));
      upstream.on('data', (d: Buffer) => mode === 'pass' && client.write(d));
    });
  };
  let server: Server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const listen = () => new Promise<void>((r) => (server = createServer(handle)).listen(port, '127.0.0.1', r));
  const stop = () => new Promise<void>((r) => server.close(() => r()));
  return {
    port,
    async set(next) {
      if (next === 'refuse' && mode !== 'refuse') {
        const stopped = stop();
        for (const s of sockets) s.destroy();
        await stopped;
      } else if (next !== 'refuse' && mode === 'refuse') await listen();
      mode = next;
      if (next === 'blackhole') for (const s of sockets) s.pause();
      if (next === 'pass') for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      if (mode !== 'refuse') await stop();
    },
  };
}

const available = await postgresReachable();
const test = suite<{ db: TempDatabase; proxy: Awaited<ReturnType<typeof pgProxy>>; t: TestAggregator }>(
  'security: PostgreSQL unreachable answers SERVICE_UNAVAILABLE',
);

const code = (r: Response) => r.errors?.[0]?.extensions?.code ?? 'ok';
const SUMMARY = '{ statsSummary { reportsAccepted } }';

if (!available) {
  test.skip('needs PostgreSQL', () => {});
} else {
  test.before(async (ctx) => {
    ctx.db = await createTempDatabase('postgresql');
    const real = new URL(ctx.db.url);
    ctx.proxy = await pgProxy(real);
    const proxied = new URL(ctx.db.url);
    proxied.port = String(ctx.proxy.port);
    ctx.t = await createTestAggregator({
      db: { kind: 'postgresql', url: proxied.toString(), drop: async () => {} },
      env: { AGGREGATOR_SUMMARY_MAX_AGE_SECONDS: '0', AGGREGATOR_DATABASE_TIMEOUT_MS: '1500' },
    });
  });
  test.after(async (ctx) => {
    await ctx.t?.close().catch(() => {});
    await ctx.proxy?.close();
    await ctx.db?.drop();
  });

  const bounded = <T>(p: Promise<T>, what: string) => withDeadline(p, { timeoutMs: 60_000, message: what });

  for (const mode of ['blackhole', 'refuse'] as const) {
    test(`PostgreSQL ${mode === 'blackhole' ? 'black-holed' : 'refused'}: 503 SERVICE_UNAVAILABLE for submitReport and statsSummary, then recovery`, async ({
      t,
      proxy,
    }) => {
      assert.is(code(await t.submit(makeReport())), 'ok');
      await proxy.set(mode);
      const submitted = await bounded(t.submit(makeReport()), 'submitReport to answer during the outage');
      assert.is(submitted.status, 503, JSON.stringify(submitted.errors));
      assert.is(code(submitted), 'SERVICE_UNAVAILABLE');
      const summary = await bounded(t.gql(SUMMARY), 'statsSummary to answer during the outage');
      assert.is(summary.status, 503, JSON.stringify(summary.errors));
      assert.is(code(summary), 'SERVICE_UNAVAILABLE');
      await proxy.set('pass');
      let after: Response = submitted;
      for (let i = 0; i < 20 && code(after) !== 'ok'; i++) after = await bounded(t.submit(makeReport()), 'submitReport after recovery');
      assert.is(code(after), 'ok', 'works again once PostgreSQL is back');
      assert.is(code(await t.gql(SUMMARY)), 'ok');
    });
  }
}

test('started with PostgreSQL down, the aggregator exits with one line and no stack trace', async () => {
  const server = startServer(
    'aggregator',
    {
      AGGREGATOR_PORT: '0',
      AGGREGATOR_API_KEYS: 'a-client-key-0123456789',
      AGGREGATOR_DATABASE_URL: 'postgresql://postgres:hunter2-password@127.0.0.1:1/stats',
      AGGREGATOR_DATABASE_TIMEOUT_MS: '1500',
    },
    { built: false },
  );
  const exitCode = await withDeadline(server.exit, { timeoutMs: 60_000, message: 'the aggregator to give up' });
  assert.is(exitCode, 1, server.output());
  const lines = server.output().trim().split('\n');
  assert.is(lines.length, 1, server.output());
  assert.match(lines[0], /database/i);
  assert.match(lines[0], /127\.0\.0\.1:1/);
  assert.not.match(server.output(), /hunter2|^\s+at /m);
});

test.run();
