/**
 * A plugin package outside the workspace, installed the way a user installs it: the API package and
 * the example plugin are packed with `npm pack`, installed from their tarballs into a temporary
 * application folder, and the built server started there with PRINTERNIZER_PLUGINS naming the
 * plugin. npm reaches its registry only for the API's own dependency (zod), which its cache usually holds.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { BUILT, ensureBuilt, root } from '../helpers/build.js';
import { withDeadline } from '../helpers/wait.js';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const test = suite('plugin installed from a tarball');

/** The last line npm pack prints is the tarball's file name. */
async function pack(cwd: string, into: string, args: string[] = []): Promise<string> {
  const { stdout } = await run(npm, ['pack', '--pack-destination', into, ...args], { cwd, env: { ...process.env, npm_config_loglevel: 'error' } });
  return join(into, stdout.trim().split('\n').at(-1)!);
}

test('the example plugin loads from its installed tarball; its type appears, a printer is added and counted', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pzs-tarball-'));
  let server: ReturnType<typeof spawn> | undefined;
  try {
    const [api, example] = await Promise.all([
      pack(root, tmp, ['--workspace', '@printernizer-stats/plugin-api']),
      pack(join(root, 'examples', 'octoprint-plugin'), tmp),
      ensureBuilt(),
    ]);
    const app = join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-printernizer', private: true, type: 'module' }));
    await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', api, example], { cwd: app });

    server = spawn(process.execPath, [join(root, BUILT.local)], {
      cwd: app,
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_URL: `sqlite:${join(tmp, 'stats.sqlite')}`,
        PRINTERNIZER_PLUGINS: 'printernizer-plugin-octoprint',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = new Promise<string>((resolve, reject) => {
      server!.stdout!.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /GraphiQL at (http:\/\/[^/]+)\/graphql/.exec(output);
        if (m) resolve(m[1]);
      });
      server!.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      server!.on('exit', () => reject(new Error(`server exited: ${output}`)));
    });
    const base = await withDeadline(url, { timeoutMs: 30_000, message: 'the server banner' });
    const gql = async <T>(query: string, variables?: Record<string, unknown>): Promise<T> => {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };

    const { plugins } = await gql<{ plugins: { name: string; version: string; state: string; errorCode: string | null; isolated: boolean; source: string }[] }>(
      `{ plugins { name version state errorCode isolated source } }`,
    );
    assert.equal(plugins.at(-1), {
      name: 'octoprint',
      version: '1.0.0',
      state: 'LOADED',
      errorCode: null,
      isolated: true,
      source: 'printernizer-plugin-octoprint',
    });
    const { printerTypes } = await gql<{ printerTypes: { id: string; plugin: string }[] }>(`{ printerTypes { id plugin } }`);
    assert.ok(
      printerTypes.some((t) => t.id === 'octoprint' && t.plugin === 'octoprint'),
      'the type appears',
    );
    const ADD = `mutation($input: AddPrinterInput!) { addPrinter(input: $input) { printer { model } } }`;
    const added = await gql<{ addPrinter: { printer: { model: string | null } } }>(ADD, {
      input: { name: 'Ender', type: 'octoprint', model: 'Creality Ender-3 V2' },
    });
    assert.is(added.addPrinter.printer.model, 'Ender 3 V2');
    await gql(ADD, { input: { name: 'Delta', type: 'octoprint', model: 'home-made delta' } });
    const { reportPreview } = await gql<{ reportPreview: { fleet: { printerCount: number; partial: boolean; printerTypes: unknown[] } } }>(
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
    server?.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
