/**
 * `npm run demo` run as a user would, without a terminal: it starts both built servers, seeds and
 * delivers through the real job, prints "Demo ready"; Ctrl-C (SIGINT) then stops both and removes
 * its folder.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ensureBuilt, root } from '../helpers/build.js';
import { waitFor, withDeadline } from '../helpers/wait.js';

const test = suite('npm run demo');

const answers = (base: string) =>
  fetch(`${base}/health`).then(
    () => true,
    () => false,
  );

test.before(async () => {
  await ensureBuilt();
});

test('the demo delivers reports to its aggregator, and SIGINT stops both servers and removes the folder', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--port', '0', '--aggregator-port', '0', '--days', '21'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await waitFor(() => output.includes('Demo ready.') || child.exitCode !== null, {
      timeoutMs: 120_000,
      message: 'the demo to print "Demo ready."',
      intervalMs: 50,
    });
    assert.ok(output.includes('Demo ready.'), output);
    const folder = /Demo folder: (\S+)/.exec(output)![1];
    const aggregator = /Aggregator \(GraphiQL\)\s+(http:\/\/\S+)\/graphql/.exec(output)![1];
    const local = /Privacy panel \(local API\)\s+(http:\/\/\S+)\//.exec(output)![1];
    assert.ok(existsSync(folder));
    const res = await fetch(`${aggregator}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ statsSummary { reportsAccepted printersByModel { key count } } }' }),
    });
    const summary = ((await res.json()) as { data: { statsSummary: { reportsAccepted: number; printersByModel: { key: string; count: number }[] } } }).data
      .statsSummary;
    assert.ok(summary.reportsAccepted >= 1, 'the aggregator received the report');
    assert.ok(summary.printersByModel.length > 0, 'with the sample fleet');
    assert.is((await fetch(`${local}/health`)).status, 200);
    const panel = await fetch(`${local}/`, { headers: { accept: 'text/html' } });
    assert.is(panel.status, 200, 'the privacy panel the demo points at is served');
    child.kill('SIGINT');
    assert.is(await withDeadline(exit, { timeoutMs: 30_000, message: 'the demo to stop after SIGINT' }), 0, output);
    assert.not.ok(existsSync(folder), 'the folder is removed');
    assert.match(output, /Stopped both servers and removed/);
    for (const base of [local, aggregator]) assert.not.ok(await answers(base), `${base} is stopped`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test.run();
