import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ERROR_CODES, isErrorCode } from '../../common/errors.js';
import { retryDecision } from '../../src/jobs/aggregator-client.js';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

test('the README Errors table lists every code of the catalog, in order, with its status, retryable flag and meaning', () => {
  const section = readme.slice(readme.indexOf('### Errors'), readme.indexOf('## Submitting reports'));
  const rows = section
    .split('\n')
    .filter((l) => /^\| `[A-Z_]+` \|/.test(l))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  const expected = Object.entries(ERROR_CODES).map(([code, e]) => [`\`${code}\``, String(e.status), e.retryable ? 'yes' : 'no', e.meaning]);
  assert.equal(rows, expected);
});

test('every code has a 4xx or 5xx status, and only codes a later attempt can cure are retryable', () => {
  for (const [code, e] of Object.entries(ERROR_CODES)) {
    assert.ok(e.status >= 400 && e.status < 600, code);
    // A 4xx is the request's fault, so the same request fails again, unless the refusal is about time.
    if (e.status < 500 && !['RATE_LIMITED', 'NOTHING_TO_SUBMIT'].includes(code)) assert.not.ok(e.retryable, `${code} is final`);
    if (e.status >= 500) assert.ok(e.retryable, `${code} may succeed later`);
  }
});

test("the submission client's retry decision for each code is the catalog's, whatever status it came with", () => {
  for (const [code, e] of Object.entries(ERROR_CODES)) {
    for (const status of [e.status, 200]) {
      assert.equal(retryDecision(status, code), { code, retryable: e.retryable }, `${code} with HTTP ${status}`);
    }
  }
});

test('without a code the status decides: network-like failures retry, other 4xx are final', () => {
  for (const status of [500, 502, 503, 504, 408, 429]) assert.ok(retryDecision(status, undefined).retryable, `HTTP ${status}`);
  for (const status of [400, 401, 403, 404, 405, 413, 415]) assert.not.ok(retryDecision(status, undefined).retryable, `HTTP ${status}`);
  assert.equal(retryDecision(502, undefined), { code: 'HTTP_502', retryable: true });
  assert.equal(retryDecision(200, undefined), { code: 'NO_DATA', retryable: true }, 'an answer without data or errors');
  assert.equal(retryDecision(422, 'FROM_A_NEWER_SERVER'), { code: 'FROM_A_NEWER_SERVER', retryable: false }, 'an unknown code is judged by its status');
  assert.equal(retryDecision(503, 'FROM_A_NEWER_SERVER'), { code: 'FROM_A_NEWER_SERVER', retryable: true });
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'test') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

test('no code is written out anywhere but the catalog: every `code: "…"` in the services is a catalog code', () => {
  const dirs = ['src', 'common', join('aggregator', 'src'), ...readdirSync(join(root, 'plugins')).map((p) => join('plugins', p, 'src'))];
  const literal = /\bcode:\s*['"`]([A-Z][A-Z0-9_]*)['"`]/g;
  assert.equal(
    [..."extensions: { code: 'PAYLOAD_TOO_LARGE' }".matchAll(literal)].map((m) => m[1]),
    ['PAYLOAD_TOO_LARGE'],
    'the scan finds the ad hoc form',
  );
  const stray: string[] = [];
  for (const file of dirs.flatMap((d) => (statSync(join(root, d), { throwIfNoEntry: false })?.isDirectory() ? sources(join(root, d)) : []))) {
    if (file === join(root, 'common', 'errors.ts')) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(literal)) {
      if (!isErrorCode(m[1])) stray.push(`${relative(root, file)}: ${m[1]}`);
    }
  }
  assert.equal(stray, []);
});

test.run();
