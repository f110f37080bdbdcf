import { request } from 'node:http';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.js';
import { withDeadline } from '../helpers/wait.js';

/**
 * Issue 9, defect 3: a foreign page whose name is rebound to 127.0.0.1 reaches the local API with
 * its own name in `Host`. Every route refuses a Host that is neither a loopback name, the configured
 * HOST nor one of STATS_ALLOWED_HOSTS, over real HTTP.
 */
const test = suite<{ db: TempDatabase; server: ServerProcess; base: string }>('security: local API refuses foreign Host headers (DNS rebinding)');

test.before(async (ctx) => {
  ctx.db = await createTempDatabase('sqlite');
  ctx.server = startServer(
    'local',
    { HOST: '127.0.0.1', PORT: '0', DATABASE_URL: ctx.db.url, STATS_ALLOWED_HOSTS: 'stats.home.lan, printernizer.example:8443' },
    { built: false },
  );
  ctx.base = await withDeadline(ctx.server.url, { timeoutMs: 60_000, message: 'the local server to start' });
});
test.after(async (ctx) => {
  ctx.server.child.kill('SIGKILL');
  await ctx.db.drop();
});

/** A raw request, so that the Host header is exactly what the test says. */
function send(base: string, path: string, host: string, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        agent: false,
        headers: { host, 'content-type': 'application/json', accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const OPT_IN = JSON.stringify({ query: 'mutation { optInUsageStatistics { __typename } }' });
const ROUTES: [string, string, string?][] = [
  ['/graphql', 'POST', OPT_IN],
  ['/graphql?query=%7B__typename%7D', 'GET'],
  ['/usage-data/export', 'GET'],
  ['/', 'GET'],
  ['/health', 'GET'],
  ['/anything-else', 'GET'],
];

test('a foreign Host is refused with 403 FORBIDDEN on every route, without repeating the Host', async ({ base }) => {
  for (const host of ['evil.example', 'evil.example:4000', 'rebind.attacker.test', '127.0.0.1.nip.io', 'localhost.evil.example']) {
    for (const [path, method, body] of ROUTES) {
      const res = await send(base, path, host, method, body);
      assert.is(res.status, 403, `${host} ${method} ${path}: ${res.body}`);
      const parsed = JSON.parse(res.body) as { errors: { message: string; extensions: { code: string } }[] };
      assert.is(parsed.errors[0].extensions.code, 'FORBIDDEN');
      assert.match(parsed.errors[0].message, /STATS_ALLOWED_HOSTS/);
      assert.not.ok(res.body.includes(host.split(':')[0]), 'the Host is not echoed');
    }
  }
});

test('consent was not changed by the refused requests', async ({ base }) => {
  const res = await send(base, '/graphql', 'localhost', 'POST', JSON.stringify({ query: '{ usageSettings { consent } }' }));
  assert.equal(JSON.parse(res.body), { data: { usageSettings: { consent: 'UNDECIDED' } } });
});

test('loopback names, the configured host and STATS_ALLOWED_HOSTS are served', async ({ base }) => {
  const port = new URL(base).port;
  for (const host of [
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    'localhost',
    `[::1]:${port}`,
    'stats.home.lan',
    `STATS.home.lan:${port}`,
    'printernizer.example:8443',
  ]) {
    const res = await send(base, '/graphql', host, 'POST', JSON.stringify({ query: '{ __typename }' }));
    assert.is(res.status, 200, `${host}: ${res.body}`);
    assert.is((await send(base, '/usage-data/export', host)).status, 200, `${host} export`);
  }
});

test.run();
