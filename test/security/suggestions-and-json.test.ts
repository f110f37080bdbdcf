import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { resultOf, startServices, type ServiceUnderTest } from '../errors/services.js';

/**
 * Issue 9, defect 10: "Did you mean …" hints are a development aid only (they map the schema for a
 * prober), and a body that is not JSON is refused with a coded 400 that never quotes it back.
 */
const test = suite<{ services: ServiceUnderTest[] }>('security: no field suggestions, no echoed JSON bodies');

test.before(async (ctx) => {
  ctx.services = await startServices('sqlite');
});
test.after(async (ctx) => {
  for (const s of ctx.services) await s.close();
});

const misspelt = { local: '{ usageSetting { consent } }', aggregator: '{ statsSumary { __typename } }' } as const;

test('an unknown field near a real one is refused without a suggestion on both services', async ({ services }) => {
  for (const s of services) {
    const res = await s.fetch({ query: misspelt[s.name], accept: 'application/json' });
    const body = resultOf(res.headers.get('content-type'), await res.text());
    assert.is(res.status, 400, s.name);
    assert.is(body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', s.name);
    assert.not.match(JSON.stringify(body), /did you mean/i, `${s.name}: ${JSON.stringify(body)}`);
  }
});

test('a body that is not JSON: 400 BAD_REQUEST that does not repeat the body on both services', async ({ services }) => {
  const marker = 'my-private-body-text-4711';
  for (const s of services) {
    for (const body of [`{"query": "{ __typename }", "note": "${marker}"`, `${marker}`, `{"query": "${marker}`]) {
      const res = await s.fetch({ body, accept: 'application/json' });
      const text = await res.text();
      assert.is(res.status, 400, `${s.name}: ${text}`);
      assert.is(resultOf(res.headers.get('content-type'), text).errors?.[0]?.extensions?.code, 'BAD_REQUEST', s.name);
      assert.not.ok(text.includes(marker), `${s.name} echoes the body: ${text}`);
      assert.not.ok(text.includes('position'), `${s.name} quotes the parser: ${text}`);
    }
  }
});

test.run();
