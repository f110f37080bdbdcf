/** GET / and /panel/* through the app in-process: the page, its assets, the headers, and no way out of the folder. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { createTestApp, type TestApp } from '../helpers/app.js';
import { ensureBuilt } from '../helpers/build.js';

const test = suite<{ t: TestApp }>('the privacy panel route (src/panel.ts)');

test.before(async (ctx) => {
  await ensureBuilt();
  ctx.t = await createTestApp({ db: 'sqlite' });
});
test.after(async ({ t }) => t?.close());

const get = (t: TestApp, path: string, method = 'GET') => t.app.yoga.fetch(`http://test${path}`, { method });

test('GET / is the panel page, with a CSP that allows only its own files', async ({ t }) => {
  const res = await get(t, '/');
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /connect-src 'self'/);
  assert.is(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(await res.text(), /<script type="module" src="\/panel\/main.js"><\/script>/);
});

test('the bundle and the styles are served with their types', async ({ t }) => {
  const js = await get(t, '/panel/main.js');
  assert.is(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.ok((await js.text()).length > 1000);
  assert.match((await get(t, '/panel/style.css')).headers.get('content-type') ?? '', /^text\/css/);
  const head = await get(t, '/panel/main.js', 'HEAD');
  assert.is(head.status, 200);
});

test('names outside the folder or unknown files are 404', async ({ t }) => {
  for (const path of ['/panel/..%2Fpackage.json', '/panel/../../package.json', '/panel/.env', '/panel/nope.js', '/panel/main.ts', '/panel/'])
    assert.is((await get(t, path)).status, 404, path);
});

test('GraphQL and the other routes are untouched', async ({ t }) => {
  assert.is((await get(t, '/health')).status, 200);
  const r = await t.gql<{ usageSettings: { consent: string } }>(`{ usageSettings { consent } }`);
  assert.is(r.data?.usageSettings.consent, 'UNDECIDED');
  assert.is((await get(t, '/elsewhere')).status, 404);
});

test.run();
