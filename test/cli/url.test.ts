/**
 * The executable (`node dist/src/cli/main.js`, what package.json "bin" names) as a real process
 * against real servers with --url. Both servers are started with defaults for every key: the default
 * local loop delivers its first report without configuring anything.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ensureBuilt } from '../helpers/build.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.js';
import { withDeadline } from '../helpers/wait.js';
import { cliProcess, parse } from './helpers.js';

const test = suite('printernizer-stats --url (built executable, real servers)');

const dbs: TempDatabase[] = [];
const servers: ServerProcess[] = [];
const folder = mkdtempSync(join(tmpdir(), 'cli-url-'));
let local: string;
let aggregator: string;
// Keys left unset on both sides; no DATABASE_URL for the CLI: with --url it opens nothing.
const cliEnv = { DATABASE_URL: 'sqlite:/nonexistent/never-opened.sqlite' };

async function gql<T>(base: string, query: string): Promise<T> {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return ((await res.json()) as { data: T }).data;
}

test.before(async () => {
  await ensureBuilt();
  const [aggDb, localDb] = [await createTempDatabase('sqlite'), await createTempDatabase('sqlite')];
  dbs.push(aggDb, localDb);
  const agg = startServer('aggregator', {
    AGGREGATOR_PORT: '0',
    AGGREGATOR_DATABASE_URL: aggDb.url,
    AGGREGATOR_API_KEYS: '',
    AGGREGATOR_SUMMARY_MAX_AGE_SECONDS: '0',
  });
  servers.push(agg);
  aggregator = await withDeadline(agg.url, { timeoutMs: 60_000, message: 'the aggregator to listen' });
  const srv = startServer('local', { PORT: '0', DATABASE_URL: localDb.url, USAGE_STATS_ENDPOINT: `${aggregator}/graphql`, USAGE_STATS_API_KEY: '' });
  servers.push(srv);
  local = await withDeadline(srv.url, { timeoutMs: 60_000, message: 'the local server to listen' });
});

test.after(async () => {
  for (const s of servers) s.child.kill('SIGTERM');
  await Promise.all(servers.map((s) => s.exit));
  for (const d of dbs) await d.drop();
  rmSync(folder, { recursive: true, force: true });
});

test('the default local loop: enable and submit through the CLI, the aggregator started with defaults accepts the report', async () => {
  const off = await cliProcess(['status', '--url', local], cliEnv);
  assert.is(off.code, 0, off.stderr);
  assert.match(off.stdout, /Statistics are OFF/);
  assert.is((await cliProcess(['enable', '--url', `${local}/graphql`], cliEnv)).code, 0, 'a URL with /graphql works too');
  const sent = await cliProcess(['submit', '--json', '--url', local], cliEnv);
  assert.is(sent.code, 0, sent.stderr);
  assert.is(parse<{ status: string }>(sent).status, 'SENT');
  const summary = await gql<{ statsSummary: { reportsAccepted: number } }>(aggregator, '{ statsSummary { reportsAccepted } }');
  assert.is(summary.statsSummary.reportsAccepted, 1);
  const status = parse<{ enabled: boolean; lastSubmissionAt: string | null; latestReport: { status: string } }>(
    await cliProcess(['status', '--json', '--url', local], cliEnv),
  );
  assert.equal([status.enabled, status.latestReport.status], [true, 'SENT']);
  assert.ok(status.lastSubmissionAt);
  const again = await cliProcess(['submit', '--url', local], cliEnv);
  assert.is(again.code, 4);
});

test('every other command answers over HTTP', async () => {
  for (const argv of [
    ['preview', '--json'],
    ['printers', '--json'],
    ['plugins', '--json'],
    ['events', '--json'],
  ]) {
    const r = await cliProcess([...argv, '--url', local], cliEnv);
    assert.is(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
    JSON.parse(r.stdout);
  }
  const file = join(folder, 'export.json');
  const exported = await cliProcess(['export', file, '--url', local], cliEnv);
  assert.is(exported.code, 0, exported.stderr);
  const content = JSON.parse(readFileSync(file, 'utf8')) as { submissions: { status: string }[] };
  assert.equal(
    content.submissions.map((s) => s.status),
    ['SENT'],
  );
  assert.is((await cliProcess(['disable', '--url', local], cliEnv)).code, 0);
  const deleted = await cliProcess(['delete', '--yes', '--json', '--url', local], cliEnv);
  assert.is(deleted.code, 0, deleted.stderr);
  assert.is(parse<{ deletedSubmissionCount: number }>(deleted).deletedSubmissionCount, 1);
});

test('an unreachable server exits 1 with one line on stderr; a bad --url exits 2', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const r = await cliProcess(['status', '--url', `http://127.0.0.1:${port}`], cliEnv);
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /^printernizer-stats: cannot reach the server at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  assert.is((await cliProcess(['status', '--url', 'not a url'], cliEnv)).code, 2);
});

test.run();
