import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { createApp } from '../../src/app.js';
import { loadLocalConfig } from '../../src/config.js';
import { PluginError } from '../../src/errors.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createTempDatabase } from '../helpers/temp-database.js';
import { withDeadline } from '../helpers/wait.js';

const fixture = (name: string) => `./test/plugins/fixtures/${name}.ts`;
const PLUGINS = `{ plugins { name version apiVersion state source error errorCode printerTypeIds } }`;
const ADD = `mutation($input: AddPrinterInput!) { addPrinter(input: $input) { printer { id name model type { id plugin available } } } }`;
const FLEET = `{ reportPreview { fleet { printerCount partial printerTypes { type model count } } } }`;

interface PluginStatus {
  name: string;
  version: string;
  apiVersion: number;
  state: 'LOADED' | 'FAILED' | 'SKIPPED';
  source: string;
  error: string | null;
  errorCode: string | null;
  printerTypeIds: string[];
}
type Plugins = { plugins: PluginStatus[] };
interface AddedPrinter {
  id: string;
  name: string;
  model: string | null;
  type: { id: string; plugin: string | null; available: boolean };
}
type Added = { addPrinter: { printer: AddedPrinter } | null };
type Removed = { removePrinter: { removedPrinterId: string | null } | null };
interface FleetStats {
  printerCount: number;
  partial: boolean;
  printerTypes: { type: string; model: string; count: number }[];
}
type Fleet = { reportPreview: { fleet: FleetStats } };

const byName = (list: PluginStatus[], name: string): PluginStatus => {
  const found = list.find((p) => p.name === name || p.source.includes(name));
  assert.ok(found, `a plugin named ${name} is listed`);
  return found;
};

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestApp }>(`plugins [${db}]`);
  test.after.each(async (ctx) => {
    await ctx.t?.close();
  });

  test('first-party plugins load through the same checks and provide their types', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    const { plugins } = await t.ok<Plugins>(PLUGINS);
    assert.equal(plugins, [
      { name: 'bambu', version: '1.0.0', apiVersion: 1, state: 'LOADED', source: 'first-party', error: null, errorCode: null, printerTypeIds: ['bambu_lab'] },
      { name: 'prusa', version: '1.0.0', apiVersion: 1, state: 'LOADED', source: 'first-party', error: null, errorCode: null, printerTypeIds: ['prusa'] },
    ]);
    const { printerTypes } = await t.ok<{ printerTypes: { id: string; displayName: string; vendor: string; plugin: string | null; models: string[] }[] }>(
      `{ printerTypes { id displayName vendor plugin models } }`,
    );
    assert.equal(
      printerTypes.map((p) => p.id),
      ['bambu_lab', 'prusa'],
    );
    assert.ok(printerTypes[0].models.includes('A1 mini'));
    assert.ok(printerTypes[1].models.includes('CORE One'));
  });

  test('addPrinter checks the type, identifies the model, and the fleet counts it', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    const unknown = await t.gql(ADD, { input: { name: 'Garage', type: 'makerbot' } });
    assert.is(unknown.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(unknown.errors![0].message, /unknown printer type "makerbot"; known types: bambu_lab, prusa/);

    const cases: [Record<string, string>, string | null][] = [
      [{ serial: '01P00A391800123' }, 'P1S'],
      [{ serial: '00M09A350100456' }, 'X1C'],
      [{ model: 'N1' }, 'A1 mini'],
      [{ model: 'O1D-V2' }, 'H2D'],
      [{ model: 'a1 mini' }, 'A1 mini'],
      [{ serial: 'ZZZ000' }, null],
    ];
    for (const [extra, model] of cases) {
      const p = (await t.ok<Added>(ADD, { input: { name: 'Bambu', type: 'bambu_lab', ...extra } })).addPrinter!.printer;
      assert.is(p.model, model, JSON.stringify(extra));
      assert.equal(p.type, { id: 'bambu_lab', plugin: 'bambu', available: true });
    }
    const mk4s = (await t.ok<Added>(ADD, { input: { name: 'Prusa', type: 'prusa', model: '1.4.1' } })).addPrinter!.printer;
    assert.is(mk4s.model, 'MK4S');
    // The README promises that a model the plugin did not declare is reported as `other`: the printer is added without a model.
    const undeclared = (await t.ok<Added>(ADD, { input: { name: 'Prusa', type: 'prusa', model: 'MK99' } })).addPrinter!.printer;
    assert.is(undeclared.model, null);
    const empty = await t.gql(ADD, { input: { name: '  ', type: 'prusa' } });
    assert.is(empty.errors?.[0]?.extensions?.field, 'input.name');

    const fleet = (await t.ok<Fleet>(FLEET)).reportPreview.fleet;
    assert.equal(fleet, {
      printerCount: 8,
      partial: false,
      printerTypes: [
        { type: 'bambu_lab', model: 'A1 mini', count: 2 },
        { type: 'bambu_lab', model: 'H2D', count: 1 },
        { type: 'bambu_lab', model: 'other', count: 1 },
        { type: 'bambu_lab', model: 'P1S', count: 1 },
        { type: 'bambu_lab', model: 'X1C', count: 1 },
        { type: 'prusa', model: 'MK4S', count: 1 },
        { type: 'prusa', model: 'other', count: 1 },
      ],
    });
    const REMOVE = `mutation($id: ID!) { removePrinter(input: { printerId: $id }) { removedPrinterId } }`;
    assert.is((await t.ok<Removed>(REMOVE, { id: mk4s.id })).removePrinter?.removedPrinterId, mk4s.id);
    assert.is((await t.ok<Removed>(REMOVE, { id: mk4s.id })).removePrinter?.removedPrinterId, null, 'removing it again changes nothing');
    assert.is((await t.ok<{ printers: { id: string }[] }>(`{ printers { id } }`)).printers.length, 7);
  });

  test('a third-party plugin loads by path and its counts reach the report', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db, env: { PRINTERNIZER_PLUGINS: fixture('octoprint') } }));
    const status = byName((await t.ok<Plugins>(PLUGINS)).plugins, 'acme-octoprint');
    assert.equal(status, {
      name: 'acme-octoprint',
      version: '0.3.0',
      apiVersion: 1,
      state: 'LOADED',
      source: fixture('octoprint'),
      error: null,
      errorCode: null,
      printerTypeIds: ['octoprint'],
    });
    await t.ok(ADD, { input: { name: 'Ender', type: 'octoprint', model: 'Creality Ender-3 V2' } });
    await t.ok(ADD, { input: { name: 'Ender', type: 'octoprint', model: 'ender 3' } });
    await t.ok(ADD, { input: { name: 'Mystery', type: 'octoprint' } });
    await t.ok(ADD, { input: { name: 'Bambu', type: 'bambu_lab', model: 'C11' } });
    const fleet = (await t.ok<Fleet>(FLEET)).reportPreview.fleet;
    assert.equal(
      fleet.printerTypes,
      [
        { type: 'bambu_lab', model: 'P1P', count: 1 },
        { type: 'octoprint', model: 'Ender 3', count: 1 },
        { type: 'octoprint', model: 'Ender 3 V2', count: 1 },
        { type: 'octoprint', model: 'other', count: 1 },
      ],
      'an undeclared model from collectFleet is reported as other',
    );
    assert.is(fleet.partial, false);
  });

  test('plugins are found by npm package name too', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db, env: { PRINTERNIZER_PLUGINS: '@printernizer-stats/plugin-prusa, left-pad-printer-plugin' } }));
    const { plugins } = await t.ok<Plugins>(PLUGINS);
    assert.equal(
      plugins.slice(2).map((p) => [p.name, p.state, p.errorCode]),
      [
        ['prusa', 'SKIPPED', 'PLUGIN_DUPLICATE_NAME'],
        ['left-pad-printer-plugin', 'FAILED', 'PLUGIN_NOT_FOUND'],
      ],
      'the workspace package resolves (and is the first-party plugin again); an absent one is not found',
    );
  });

  test('every refusal shows in plugins with its code, and the host keeps serving', async (ctx) => {
    const list = ['wrong-api-version', 'duplicate-type', 'throws-in-setup', 'not-a-plugin', 'does-not-exist', 'octoprint', 'octoprint'].map(fixture);
    const t = (ctx.t = await createTestApp({ db, env: { PRINTERNIZER_PLUGINS: list.join(',') } }));
    const { plugins } = await t.ok<Plugins>(PLUGINS);
    const summary = plugins.map((p) => [p.source, p.state, p.errorCode]);
    assert.equal(summary, [
      ['first-party', 'LOADED', null],
      ['first-party', 'LOADED', null],
      [fixture('wrong-api-version'), 'SKIPPED', 'PLUGIN_API_VERSION_MISMATCH'],
      [fixture('duplicate-type'), 'SKIPPED', 'PLUGIN_DUPLICATE_TYPE'],
      [fixture('throws-in-setup'), 'FAILED', 'PLUGIN_SETUP_FAILED'],
      [fixture('not-a-plugin'), 'FAILED', 'PLUGIN_INVALID_MANIFEST'],
      [fixture('does-not-exist'), 'FAILED', 'PLUGIN_NOT_FOUND'],
      [fixture('octoprint'), 'LOADED', null],
      [fixture('octoprint'), 'SKIPPED', 'PLUGIN_DUPLICATE_NAME'],
    ]);
    assert.match(byName(plugins, 'from-the-future').error ?? '', /written for plugin API 2; this host supports plugin API 1\. Update printernizer-stats/);
    assert.match(byName(plugins, 'bambu-clone').error ?? '', /printer type "bambu_lab", which plugin "bambu" already provides/);
    assert.match(byName(plugins, 'broken-setup').error ?? '', /cannot reach the printer farm/);
    assert.match(plugins[5].error ?? '', /default export is function, not a plugin definition/);
    assert.equal(
      (await t.ok<{ printerTypes: { id: string }[] }>(`{ printerTypes { id } }`)).printerTypes.map((p) => p.id),
      ['bambu_lab', 'prusa', 'octoprint'],
      'refused plugins provide nothing',
    );
    assert.is((await t.ok<{ usageSettings: { consent: string } }>(`{ usageSettings { consent } }`)).usageSettings.consent, 'UNDECIDED');
  });

  test('a hanging or lying collectFleet marks the fleet partial; the others still count', async (ctx) => {
    const t = (ctx.t = await createTestApp({
      db,
      env: { PLUGIN_TIMEOUT_MS: '150', PRINTERNIZER_PLUGINS: ['hangs', 'garbage', 'foreign-type'].map(fixture).join(',') },
    }));
    await t.ok(ADD, { input: { name: 'A', type: 'slowpoke', model: 'S1' } });
    await t.ok(ADD, { input: { name: 'B', type: 'garbage' } });
    await t.ok(ADD, { input: { name: 'C', type: 'prusa', model: 'MK4' } });
    // The fixture never answers: the preview returning at all proves the host's timeout let it go.
    const fleet = (await withDeadline(t.ok<Fleet>(FLEET), { timeoutMs: 30_000, message: 'reportPreview despite a collectFleet that never answers' }))
      .reportPreview.fleet;
    assert.equal(fleet, { printerCount: 3, partial: true, printerTypes: [{ type: 'prusa', model: 'MK4', count: 1 }] });
    const { plugins } = await t.ok<Plugins>(PLUGINS);
    assert.equal([byName(plugins, 'slowpoke').state, byName(plugins, 'slowpoke').errorCode], ['LOADED', 'PLUGIN_TIMEOUT']);
    assert.match(byName(plugins, 'slowpoke').error ?? '', /collectFleet did not finish within 150 ms/);
    assert.is(byName(plugins, 'garbage').errorCode, 'PLUGIN_INVALID_RESULT');
    assert.is(byName(plugins, 'trespasser').errorCode, 'PLUGIN_INVALID_RESULT');
    assert.match(byName(plugins, 'trespasser').error ?? '', /printer type "bambu_lab", which it does not provide/);
  });

  test('a printer whose plugin is gone stays, reported under its type as other', async (ctx) => {
    const database = await createTempDatabase(db);
    try {
      const before = await createTestApp({ db: database, env: { PRINTERNIZER_PLUGINS: fixture('octoprint') } });
      await before.ok(ADD, { input: { name: 'Ender', type: 'octoprint', model: 'Ender 3' } });
      await before.close();
      const t = (ctx.t = await createTestApp({ db: database }));
      const { printers } = await t.ok<{ printers: { name: string; model: string | null; type: { id: string; available: boolean; plugin: string | null } }[] }>(
        `{ printers { name model type { id available plugin } } }`,
      );
      assert.equal(printers, [{ name: 'Ender', model: 'Ender 3', type: { id: 'octoprint', available: false, plugin: null } }]);
      const fleet = (await t.ok<Fleet>(FLEET)).reportPreview.fleet;
      assert.equal(fleet, { printerCount: 1, partial: false, printerTypes: [{ type: 'octoprint', model: 'other', count: 1 }] });
      await t.close();
      ctx.t = undefined as never;
    } finally {
      await database.drop();
    }
  });

  test('setup runs in load order, teardown in reverse', async () => {
    // The plugins run in worker threads: they record their calls in a file named by the environment they inherit.
    const dir = mkdtempSync(join(tmpdir(), 'pzs-calls-'));
    process.env.PLUGIN_CALLS_FILE = join(dir, 'calls.txt');
    try {
      const t = await createTestApp({ db, env: { PRINTERNIZER_PLUGINS: [fixture('octoprint'), fixture('klipper')].join(',') } });
      await t.close();
      assert.equal(readFileSync(process.env.PLUGIN_CALLS_FILE, 'utf8').trim().split('\n'), [
        'setup:acme-octoprint',
        'setup:acme-klipper',
        'teardown:acme-klipper',
        'teardown:acme-octoprint',
      ]);
    } finally {
      delete process.env.PLUGIN_CALLS_FILE;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('STRICT_PLUGINS=1 turns a refusal into a start-up failure', async () => {
    const database = await createTempDatabase(db);
    try {
      const config = loadLocalConfig({
        LOG_LEVEL: 'silent',
        DATABASE_URL: database.url,
        STRICT_PLUGINS: '1',
        PRINTERNIZER_PLUGINS: fixture('wrong-api-version'),
      });
      await createApp({ config }).then(
        () => assert.unreachable('should not start'),
        (err: unknown) => {
          assert.instance(err, PluginError);
          assert.match((err as Error).message, /^PLUGIN_API_VERSION_MISMATCH: plugin "from-the-future"/);
        },
      );
    } finally {
      await database.drop();
    }
  });

  test('events must name a registered printer type', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    const res = await t.gql(`mutation { recordUsageEvent(input: { type: PRINTER_CONNECTED, printerType: "octoprint" }) { event { id } } }`);
    assert.is(res.errors?.[0]?.extensions?.field, 'input.printerType');
    assert.match(res.errors![0].message, /known types: bambu_lab, prusa/);
  });

  test.run();
}
