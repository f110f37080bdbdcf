/**
 * Third-party plugins that misbehave in every way a stranger's code can: the host keeps serving and
 * each shows its own state and code in `plugins` and in the start-up log.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { PluginRegistry } from '../../src/plugins/registry.js';
import { createTestApp, memoryLogger, type TestApp } from '../helpers/app.js';
import { withDeadline } from '../helpers/wait.js';

const fixture = (name: string) => `./test/plugins/fixtures/${name}.ts`;
const PLUGINS = `{ plugins { name state source error errorCode isolated } }`;
const ADD = `mutation($input: AddPrinterInput!) { addPrinter(input: $input) { printer { id model } } }`;
const FLEET = `{ reportPreview { fleet { printerCount partial printerTypes { type model count } } } }`;

interface Status {
  name: string;
  state: string;
  source: string;
  error: string | null;
  errorCode: string | null;
  isolated: boolean;
}
type Fleet = { reportPreview: { fleet: { printerCount: number; partial: boolean; printerTypes: { type: string; model: string; count: number }[] } } };

const test = suite<{ t?: TestApp }>('plugin isolation');
test.after.each(async (ctx) => {
  await ctx.t?.close();
  ctx.t = undefined;
});

test('a plugin that loops forever, throws while importing or lacks a dependency leaves the host serving, each with its own code', async (ctx) => {
  const { logger, entries } = memoryLogger();
  const list = ['loops-forever', 'throws-on-import', 'missing-dependency', 'no-default-export', 'not-installed', 'crashes-worker'].map(fixture);
  const t = (ctx.t = await createTestApp({ db: 'sqlite', logger, env: { PLUGIN_TIMEOUT_MS: '300', PRINTERNIZER_PLUGINS: list.join(',') } }));

  const plugins = (await t.ok<{ plugins: Status[] }>(PLUGINS)).plugins.slice(2);
  assert.equal(
    plugins.map((p) => [p.source, p.state, p.errorCode, p.isolated]),
    [
      [fixture('loops-forever'), 'LOADED', null, true],
      [fixture('throws-on-import'), 'FAILED', 'PLUGIN_LOAD_FAILED', true],
      [fixture('missing-dependency'), 'FAILED', 'PLUGIN_DEPENDENCY_MISSING', true],
      [fixture('no-default-export'), 'FAILED', 'PLUGIN_INVALID_MANIFEST', true],
      [fixture('not-installed'), 'FAILED', 'PLUGIN_NOT_FOUND', true],
      [fixture('crashes-worker'), 'LOADED', null, true],
    ],
  );
  assert.match(plugins[1].error!, /threw while being imported: PRINTER_FARM_URL is not configured/, "the cause's message");
  assert.match(plugins[2].error!, /is installed but imports a module that is not: .*'octoprint-client-that-is-not-installed'/);
  assert.match(plugins[3].error!, /has no default export/);
  assert.match(plugins[4].error!, /is not installed: there is no file or folder at /);
  for (const p of plugins.slice(1, 5)) {
    const logged = entries.find((e) => e.source === p.source && e.code === p.errorCode);
    assert.ok(logged, `the start-up log names ${p.source} with ${p.errorCode}`);
    assert.is(logged.msg, p.error);
  }

  await t.ok(ADD, { input: { name: 'Spin', type: 'spinner', model: 'S1' } });
  await t.ok(ADD, { input: { name: 'Crash', type: 'crasher', model: 'C1' } });
  await t.ok(ADD, { input: { name: 'Mini', type: 'prusa', model: 'MINI' } });
  // The spinner's worker is busy in a synchronous loop; the host's event loop must still answer other requests meanwhile.
  const preview = t.ok<Fleet>(FLEET);
  const during = await withDeadline(t.ok<{ printers: { id: string }[] }>(`{ printers { id } }`), {
    timeoutMs: 30_000,
    message: 'a query answered while a plugin loops forever',
  });
  assert.is(during.printers.length, 3);
  const fleet = (await withDeadline(preview, { timeoutMs: 30_000, message: 'reportPreview despite a plugin that loops forever' })).reportPreview.fleet;
  assert.equal(fleet, { printerCount: 3, partial: true, printerTypes: [{ type: 'prusa', model: 'MINI', count: 1 }] });

  const after = (await t.ok<{ plugins: Status[] }>(PLUGINS)).plugins;
  const spinner = after.find((p) => p.name === 'spinner')!;
  assert.equal([spinner.state, spinner.errorCode], ['LOADED', 'PLUGIN_TIMEOUT']);
  assert.match(spinner.error!, /collectFleet did not finish within 300 ms; its worker was stopped/);
  const crasher = after.find((p) => p.name === 'crasher')!;
  assert.equal([crasher.state, crasher.errorCode], ['LOADED', 'PLUGIN_FAILED']);
  assert.match(crasher.error!, /its worker crashed: segfault-ish/);

  // The stopped workers are started afresh for the next report; the answer is the same, and the host still serves.
  const again = (await withDeadline(t.ok<Fleet>(FLEET), { timeoutMs: 30_000, message: 'a second reportPreview' })).reportPreview.fleet;
  assert.equal(again, fleet);
  assert.is((await t.ok<{ usageSettings: { consent: string } }>(`{ usageSettings { consent } }`)).usageSettings.consent, 'UNDECIDED');
});

test('a package folder, a file and a package installed in node_modules of the working directory all load', async () => {
  const app = mkdtempSync(join(tmpdir(), 'pzs-app-'));
  try {
    const plugin = (name: string, type: string) =>
      `export default { name: '${name}', version: '1.0.0', apiVersion: 1, printerTypes: [{ id: '${type}', displayName: 'X', vendor: 'X', models: ['M1'] }] };\n`;
    const installed = join(app, 'node_modules', '@acme', 'printernizer-plugin-x');
    mkdirSync(join(installed, 'dist'), { recursive: true });
    writeFileSync(
      join(installed, 'package.json'),
      JSON.stringify({ name: '@acme/printernizer-plugin-x', type: 'module', exports: { '.': { import: './dist/index.js' } } }),
    );
    writeFileSync(join(installed, 'dist', 'index.js'), plugin('from-node-modules', 'x_installed'));
    mkdirSync(join(app, 'folder', 'lib'), { recursive: true });
    writeFileSync(join(app, 'folder', 'package.json'), JSON.stringify({ name: 'folder-plugin', type: 'module', main: 'lib/main.js' }));
    writeFileSync(join(app, 'folder', 'lib', 'main.js'), plugin('from-folder', 'x_folder'));
    writeFileSync(join(app, 'single.mjs'), plugin('from-file', 'x_file'));
    const registry = await PluginRegistry.load(
      ['@acme/printernizer-plugin-x', './folder', join(app, 'single.mjs'), '@acme/not-there'].map((spec) => ({ spec })),
      { logger: pino({ level: 'silent' }), timeoutMs: 2000, strict: false, cwd: app },
    );
    try {
      assert.equal(
        registry.statuses().map((s) => [s.name, s.state, s.errorCode]),
        [
          ['from-node-modules', 'LOADED', null],
          ['from-folder', 'LOADED', null],
          ['from-file', 'LOADED', null],
          ['@acme/not-there', 'FAILED', 'PLUGIN_NOT_FOUND'],
        ],
      );
      assert.match(
        registry.statuses()[3].error!,
        /no package "@acme\/not-there" in the node_modules of .* or above; install it with npm install @acme\/not-there/,
      );
    } finally {
      await registry.teardown();
    }
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});

test.run();
