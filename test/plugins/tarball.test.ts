/**
 * A plugin package outside the workspace, installed the way a user installs it: the API package and
 * the example plugin are packed with `npm pack`, installed from their tarballs into a temporary
 * application folder, and the built server started there with PRINTERNIZER_PLUGINS naming the
 * plugin. npm reaches its registry only for the API's own dependency (zod) when its cache lacks it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ensureBuilt, root } from '../helpers/build.js';
import { npm, npmEnv, pack, packApi, run, startServerIn, type AppServer } from './support.js';

const test = suite('plugin installed from a tarball');

test('the example plugin loads from its installed tarball; its type appears, a printer is added and counted', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pzs-tarball-'));
  let server: AppServer | undefined;
  try {
    const [api, example] = await Promise.all([packApi(tmp), pack(join(root, 'examples', 'octoprint-plugin'), tmp), ensureBuilt()]);
    const app = join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-printernizer', private: true, type: 'module' }));
    await run(npm, ['install', '--ignore-scripts', api, example], { cwd: app, env: npmEnv });

    server = await startServerIn(app, { DATABASE_URL: `sqlite:${join(tmp, 'stats.sqlite')}`, PRINTERNIZER_PLUGINS: 'printernizer-plugin-octoprint' });
    const { plugins } = await server.gql<{
      plugins: { name: string; version: string; state: string; errorCode: string | null; isolated: boolean; source: string }[];
    }>(`{ plugins { name version state errorCode isolated source } }`);
    assert.equal(plugins.at(-1), {
      name: 'octoprint',
      version: '1.0.0',
      state: 'LOADED',
      errorCode: null,
      isolated: true,
      source: 'printernizer-plugin-octoprint',
    });
    const { printerTypes } = await server.gql<{ printerTypes: { id: string; plugin: string }[] }>(`{ printerTypes { id plugin } }`);
    assert.ok(
      printerTypes.some((t) => t.id === 'octoprint' && t.plugin === 'octoprint'),
      'the type appears',
    );
    const ADD = `mutation($input: AddPrinterInput!) { addPrinter(input: $input) { printer { model } } }`;
    const added = await server.gql<{ addPrinter: { printer: { model: string | null } } }>(ADD, {
      input: { name: 'Ender', type: 'octoprint', model: 'Creality Ender-3 V2' },
    });
    assert.is(added.addPrinter.printer.model, 'Ender 3 V2');
    await server.gql(ADD, { input: { name: 'Delta', type: 'octoprint', model: 'home-made delta' } });
    const { reportPreview } = await server.gql<{ reportPreview: { fleet: unknown } }>(
      `{ reportPreview { fleet { printerCount partial printerTypes { type model count } } } }`,
    );
    assert.equal(reportPreview.fleet, {
      printerCount: 2,
      partial: false,
      printerTypes: [
        { type: 'octoprint', model: 'Ender 3 V2', count: 1 },
        { type: 'octoprint', model: 'other', count: 1 },
      ],
    });
  } finally {
    server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
