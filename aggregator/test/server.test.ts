import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { BUILT, ensureBuilt } from '../../test/helpers/build.js';
import { createTempDatabase } from '../../test/helpers/temp-database.js';
import { withDeadline } from '../../test/helpers/wait.js';
import { API_KEY, makeReport, secretFor, SUBMIT, type SubmitData } from './helpers/aggregator.js';

const root = join(import.meta.dirname, '..', '..');
const test = suite('npm run aggregator (real HTTP)');

/** A GET with a Host header of our choosing (fetch would not send a malformed one). */
function rawGet(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test.before(async () => {
  await ensureBuilt();
});

test('node dist/aggregator/src/server.js serves GraphQL, /health, /ready and /metrics over HTTP and stops on SIGTERM', async () => {
  const db = await createTempDatabase('sqlite');
  const child = spawn(process.execPath, [BUILT.aggregator], {
    cwd: root,
    env: { ...process.env, AGGREGATOR_PORT: '0', AGGREGATOR_DATABASE_URL: db.url, AGGREGATOR_API_KEYS: API_KEY, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const started = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /GraphQL at (http:\/\/[^/]+)\/graphql/.exec(output);
        if (m) resolve(m[1]);
      });
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('exit', () => reject(new Error(output)));
    });
    const base = await withDeadline(started, { timeoutMs: 60_000, message: 'the aggregator to print its GraphQL address' });
    assert.is((await fetch(`${base}/health`)).status, 200);
    assert.is((await fetch(`${base}/ready`)).status, 200);
    // A Host that is no URL authority (found by npm run stress) is a coded 400, not a 500 with a stack trace.
    const malformed = await rawGet(`${base}/graphql?query=%7B__typename%7D`, '[::ffff:7f00:1].evil');
    assert.is(malformed.status, 400, malformed.body);
    assert.is((JSON.parse(malformed.body) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code, 'BAD_REQUEST');
    const report = makeReport();
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, 'x-installation-secret': secretFor(report.installation.installationId) },
      body: JSON.stringify({ query: SUBMIT, variables: { input: report } }),
    });
    const body = (await res.json()) as { data?: SubmitData | null };
    assert.is(body.data?.submitReport?.reportId, report.reportId, JSON.stringify(body));
    assert.match(await (await fetch(`${base}/metrics`)).text(), /aggregator_reports_total\{result="accepted",code=""\} 1/);
    const summary = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ statsSummary { reportsAccepted } }' }),
    });
    assert.equal(await summary.json(), { data: { statsSummary: { reportsAccepted: 1 } } });
    assert.not.ok(output.includes('127.0.0.1:') && /"(remoteAddress|ip)"/.test(output), 'no address in the logs');
    child.kill('SIGTERM');
    assert.is(await withDeadline(exit, { timeoutMs: 60_000, message: 'the aggregator to exit after SIGTERM' }), 0, output);
  } finally {
    child.kill('SIGKILL');
    await db.drop();
  }
});

test.run();
