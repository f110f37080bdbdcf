import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { openDatabase } from '../../common/db.js';
import { entities } from '../../src/entities/index.js';
import { UsageEvent } from '../../src/entities/usage-event.entity.js';
import { localMigrations } from '../../src/migrations/index.js';
import { BUILT, ensureBuilt } from '../helpers/build.js';
import { createTempDatabase } from '../helpers/temp-database.js';
import { withDeadline } from '../helpers/wait.js';

const root = join(import.meta.dirname, '..', '..');

/** The compiled server, as `npm start` runs it; `built: false` runs the source on tsx, as `npm run dev` does. */
function startServer(
  env: Record<string, string>,
  { built = true } = {},
): { child: ChildProcess; output: () => string; url: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, built ? [BUILT.local] : ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /GraphiQL at (http:\/\/[^/]+)\/graphql/.exec(output);
      if (m) resolve(m[1]);
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', () => reject(new Error(`server exited: ${output}`)));
  });
  url.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, url, exit };
}

const test = suite('npm start (real HTTP)');

test.before(async () => {
  await ensureBuilt();
});

test('node dist/src/server.js serves GraphiQL, /health and GraphQL, and stops gracefully on SIGTERM', async () => {
  const db = await createTempDatabase('sqlite');
  const server = startServer({ DATABASE_URL: db.url });
  try {
    const base = await withDeadline(server.url, { timeoutMs: 60_000, message: 'the server to print its GraphiQL address' });
    assert.is((await fetch(`${base}/health`)).status, 200);
    const page = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    assert.is(page.status, 200);
    const html = await page.text();
    assert.match(html, /Printernizer usage statistics/);
    assert.not.match(html, /unpkg\.com/, 'GraphiQL is served locally, not from a CDN');
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { recordUsageEvent(input: { type: JOB_COMPLETED, durationSeconds: 600 }) { event { metadata } } }' }),
    });
    assert.equal(await res.json(), { data: { recordUsageEvent: { event: { metadata: { durationMinutes: 10 } } } } });
    server.child.kill('SIGTERM');
    assert.is(await withDeadline(server.exit, { timeoutMs: 60_000, message: 'the server to exit after SIGTERM' }), 0, server.output());
    const orm = await openDatabase({ url: db.url, entities, migrations: localMigrations });
    const types = (await orm.em.fork().find(UsageEvent, {}, { orderBy: { id: 'asc' } })).map((e) => e.type);
    await orm.close();
    assert.equal(types, ['APP_START', 'JOB_COMPLETED', 'APP_SHUTDOWN']);
  } finally {
    server.child.kill('SIGKILL');
    await db.drop();
  }
});

test('a bad setting stops start-up with a message naming it', async () => {
  const server = startServer({ USAGE_STATS_SUBMISSION_INTERVAL_DAYS: '45' });
  assert.is(await withDeadline(server.exit, { timeoutMs: 60_000, message: 'the server to refuse the setting and exit' }), 1);
  assert.match(server.output(), /Invalid environment variable USAGE_STATS_SUBMISSION_INTERVAL_DAYS="45"; expected a whole number from 1 to 30/);
});

test('npm run dev: STRICT_PLUGINS=1 stops start-up when a plugin is refused', async () => {
  const db = await createTempDatabase('sqlite');
  try {
    // A .ts plugin by path loads under tsx only.
    const server = startServer(
      { DATABASE_URL: db.url, STRICT_PLUGINS: '1', PRINTERNIZER_PLUGINS: './test/plugins/fixtures/throws-in-setup.ts' },
      { built: false },
    );
    assert.is(await withDeadline(server.exit, { timeoutMs: 60_000, message: 'the server to refuse the plugin and exit' }), 1);
    assert.match(server.output(), /PLUGIN_SETUP_FAILED: plugin "broken-setup" failed in setup/);
  } finally {
    await db.drop();
  }
});

test.run();
