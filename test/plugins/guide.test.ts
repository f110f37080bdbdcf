/**
 * Runs the README's plugin guide as a plugin author and a user would: every fenced block of the
 * "Printer plugins" section carries a `guide:` tag, and this test writes the files, runs the
 * commands and the query, in order. The one departure: the API package is not published from
 * here, so its packed tarball stands in for the registry's copy in the author's devDependencies,
 * and the application folder gets it installed first, as Printernizer's own node_modules holds it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ensureBuilt, root } from '../helpers/build.js';
import { npm, npmEnv, packApi, run, startServerIn, type AppServer } from './support.js';

interface Block {
  lang: string;
  tag: string;
  body: string;
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('\n## Printer plugins\n'), readme.indexOf('\n## ', readme.indexOf('\n## Printer plugins\n') + 5));
const blocks: Block[] = [...section.matchAll(/^```(\S*)([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], tag: m[2].trim(), body: m[3] }));

const test = suite('README plugin guide');

test('every code block of the guide is tagged to be run, and the README keeps its promise about undeclared models', () => {
  assert.ok(blocks.length >= 8, `found ${blocks.length} blocks`);
  for (const b of blocks) assert.match(b.tag, /^guide:(file=\S+|author|app|query)$/, `a ${b.lang} block without a guide: tag`);
  assert.match(section, /a model the plugin did not declare is reported as `other`/);
  // The guide's own test block checks it through the harness, and test/plugins/host.test.ts through addPrinter.
  assert.match(blocks.find((b) => b.tag === 'guide:file=test/plugin.test.ts')!.body, /model: 'other'/);
});

test('the guide, run block by block: package, install, plugin, harness test, pack, install into an application, query', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pzs-guide-'));
  const author = join(tmp, 'acme');
  const app = join(tmp, 'app');
  mkdirSync(author);
  let server: AppServer | undefined;
  try {
    const [api] = await Promise.all([packApi(tmp), ensureBuilt()]);
    let appReady = false;
    for (const block of blocks) {
      const [, kind, file] = /^guide:(\w+)(?:=(\S+))?/.exec(block.tag)!;
      if (kind === 'file') {
        let body = block.body;
        if (file === 'package.json') {
          const pkg = JSON.parse(body) as { devDependencies: Record<string, string> };
          pkg.devDependencies['@printernizer-stats/plugin-api'] = `file:${api}`;
          body = JSON.stringify(pkg, null, 2);
        }
        mkdirSync(dirname(join(author, file)), { recursive: true });
        writeFileSync(join(author, file), body);
      } else if (kind === 'author' || kind === 'app') {
        if (kind === 'app' && !appReady) {
          mkdirSync(app);
          writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'printernizer-install', private: true, type: 'module' }));
          await run(npm, ['install', api], { cwd: app, env: npmEnv });
          appReady = true;
        }
        for (const line of block.body.split('\n').filter((l) => l.trim())) {
          await run('sh', ['-c', line], { cwd: kind === 'author' ? author : app, env: npmEnv }).catch((err: { stdout?: string; stderr?: string }) => {
            throw new Error(`guide step "${line}" failed:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
          });
        }
      } else if (kind === 'query') {
        const name = (JSON.parse(readFileSync(join(author, 'package.json'), 'utf8')) as { name: string }).name;
        server = await startServerIn(app, { DATABASE_URL: `sqlite:${join(tmp, 'stats.sqlite')}`, PRINTERNIZER_PLUGINS: name });
        const data = await server.gql<{
          plugins: { name: string; state: string; isolated: boolean; errorCode: string | null }[];
          printerTypes: { id: string; plugin: string; models: string[] }[];
        }>(block.body);
        assert.equal(
          data.plugins.map((p) => [p.name, p.state, p.isolated, p.errorCode]),
          [
            ['bambu', 'LOADED', false, null],
            ['prusa', 'LOADED', false, null],
            ['acme', 'LOADED', true, null],
          ],
        );
        assert.equal(data.printerTypes.at(-1), { id: 'acme', plugin: 'acme', models: ['Rocket 1', 'Rocket 2'] });
      }
    }
    assert.ok(server, 'the guide ends with a query against the server');
  } finally {
    server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
