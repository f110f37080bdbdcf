import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { resultOf, startServices, type ServiceUnderTest } from '../errors/services.js';

/**
 * Issue 9, defect 5: graphql-js parses list and object literals recursively, so about 2,800 nested
 * `[` overflowed the stack and answered 500 on both services. They are refused, coded, before parsing.
 */
const test = suite<{ services: ServiceUnderTest[] }>('security: deeply nested literals are refused before parsing');

test.before(async (ctx) => {
  ctx.services = await startServices('sqlite');
});
test.after(async (ctx) => {
  for (const s of ctx.services) await s.close();
});

const nestedList = (n: number) => `{ __type(name: ${'['.repeat(n)}"Query"${']'.repeat(n)}) { name } }`;
const nestedObject = (n: number) => `{ __type(name: ${'{a: '.repeat(n)}1${'}'.repeat(n)}) { name } }`;
const unclosed = (n: number) => `{ __type(name: ${'['.repeat(n)}`;

for (const [what, query] of [
  ['2,800 nested list literals', nestedList(2800)],
  ['20,000 nested list literals', nestedList(20_000)],
  ['5,000 nested object literals', nestedObject(5000)],
  ['5,000 unclosed [', unclosed(5000)],
] as const) {
  test(`${what}: a coded 400 on both services, over POST and GET`, async ({ services }) => {
    for (const s of services) {
      for (const method of ['POST', 'GET'] as const) {
        const res = await s.fetch({ method, query, accept: 'application/json', headers: { 'x-graphql-yoga-csrf': '1' } });
        const text = await res.text();
        assert.is(res.status, 400, `${s.name} ${method}: ${text.slice(0, 300)}`);
        assert.is(resultOf(res.headers.get('content-type'), text).errors?.[0]?.extensions?.code, 'QUERY_TOO_DEEP', `${s.name} ${method}`);
      }
    }
  });
}

test('variables nested 5,000 deep (found by npm run stress): QUERY_TOO_DEEP, not a stack overflow', async ({ services }) => {
  const n = 5000;
  for (const s of services) {
    const body = `{"query":"query($v: String!) { __type(name: $v) { name } }","variables":{"v":${'['.repeat(n)}1${']'.repeat(n)}}}`;
    const res = await s.fetch({ body, accept: 'application/json' });
    const text = await res.text();
    assert.is(res.status, 400, `${s.name}: ${text.slice(0, 300)}`);
    assert.is(resultOf(res.headers.get('content-type'), text).errors?.[0]?.extensions?.code, 'QUERY_TOO_DEEP', `${s.name}: ${text.slice(0, 300)}`);
  }
});

test('brackets inside strings, block strings and comments do not count', async ({ services }) => {
  const deepText = '['.repeat(3000);
  for (const s of services) {
    const query = `# ${deepText}\n{ __type(name: "${deepText}") { name } a: __type(name: """${deepText}""") { name } }`;
    const res = await s.fetch({ query, accept: 'application/json' });
    const text = await res.text();
    assert.is(res.status, 200, `${s.name}: ${text.slice(0, 300)}`);
  }
});

test.run();
