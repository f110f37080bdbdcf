import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ERROR_CODES, isErrorCode, type ErrorCode } from '../../common/errors.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { resultOf, startServices, type RawRequest, type ServiceUnderTest } from './services.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

interface AcceptRow {
  accept: string | undefined;
  method: 'GET' | 'POST';
  contentType: string | null;
  okStatus: number;
  /** null: the code's status; undefined: no error case for this row. */
  errorStatus: number | null | undefined;
}

/** The `Accept` table of the README's Errors section, as data. */
function acceptTable(): AcceptRow[] {
  const section = readme.slice(readme.indexOf('### Errors'), readme.indexOf('## Submitting reports'));
  const lines = section.split('\n');
  const header = lines.findIndex((l) => l.startsWith('| `Accept` |'));
  assert.ok(header >= 0, 'the README has an Accept table in ### Errors');
  const rows: AcceptRow[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [accept, method, contentType, ok, error] = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const unquote = (s: string) => s.replace(/^`|`$/g, '');
    rows.push({
      accept: accept === 'none' ? undefined : unquote(accept),
      method: method as 'GET' | 'POST',
      contentType: contentType === 'none' ? null : unquote(contentType),
      okStatus: Number(ok),
      errorStatus: error === '—' ? undefined : error === "the code's" ? null : Number(error),
    });
  }
  return rows;
}

// graphql-armor lets `__typename` be aliased freely, so the aliases are on `__type`.
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __type(name: "Query") { name }`).join(' ')} }`;
/** Cost grows 1.5× per level: about 25 per `name` here, at depth 9 (under both depth limits). */
const costly = `{ __type(name: "Query") { fields { type { ofType { ofType { ofType { ofType { ofType { ${'name '.repeat(1000)}} } } } } } } } }`;
const deep = `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(10)}name${' }'.repeat(10)} } } } }`;

/** Refusals that need no particular schema, and the code each must carry. */
const REFUSALS: { what: string; request: RawRequest; code: ErrorCode }[] = [
  { what: 'a syntax error', request: { query: '{ __typename ' }, code: 'GRAPHQL_PARSE_FAILED' },
  { what: 'an unknown field', request: { query: '{ noSuchField }' }, code: 'GRAPHQL_VALIDATION_FAILED' },
  {
    what: 'a variable of the wrong type',
    request: { query: 'query($x: Boolean!) { __typename @include(if: $x) }', variables: { x: 'nope' } },
    code: 'BAD_USER_INPUT',
  },
  { what: 'too deep a query', request: { query: deep }, code: 'QUERY_TOO_DEEP' },
  { what: 'too many aliases', request: { query: aliases(25) }, code: 'TOO_MANY_ALIASES' },
  { what: 'too costly a query', request: { query: costly }, code: 'QUERY_TOO_COMPLEX' },
  { what: 'too many directives', request: { query: `{ __typename ${'@include(if: true) '.repeat(60)}}` }, code: 'TOO_MANY_DIRECTIVES' },
  // Short tokens: the aggregator refuses bodies over 64 KiB before any parsing.
  { what: 'too many tokens', request: { query: `{ ${'a '.repeat(6000)}}` }, code: 'TOO_MANY_TOKENS' },
];

const ARMOR = REFUSALS.filter((r) => /^(QUERY_TOO|TOO_MANY)_/.test(r.code));

const codesOf = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => (body.errors ?? []).map((e) => e.extensions?.code);
const highestStatus = (codes: unknown[]) => Math.max(...codes.map((c) => (isErrorCode(c) ? ERROR_CODES[c].status : Number.NaN)));

for (const db of await testDatabaseKinds()) {
  const test = suite<{ services: ServiceUnderTest[] }>(`errors over HTTP [${db}]`);
  test.before.each(async (ctx) => {
    ctx.services = await startServices(db);
  });
  test.after.each(async (ctx) => {
    await Promise.all(ctx.services.map((s) => s.close().catch(() => {})));
  });

  test("graphql-armor's refusals carry their own code and answer 400 on both services, under application/json too", async ({ services }) => {
    assert.is(ARMOR.length, 5, 'depth, aliases, cost, directives, tokens');
    for (const s of services) {
      for (const { what, request, code } of ARMOR) {
        for (const accept of ['application/json', 'application/graphql-response+json']) {
          const res = await s.fetch({ ...request, accept });
          const body = (await res.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
          assert.equal(codesOf(body), [code], `${s.name}, ${what}, ${accept}: ${JSON.stringify(body)}`);
          assert.is(res.status, 400, `${s.name}, ${what}, ${accept}`);
          assert.not.match(body.errors![0].message, /^Syntax Error: .*limit/, `${s.name}: a limit is not called a syntax error`);
          assert.type(body.errors![0].extensions!.limit, 'number', `${s.name}: ${code} says the limit`);
        }
      }
    }
  });

  test('every row of the README Accept table holds on both services', async ({ services }) => {
    const rows = acceptTable();
    assert.ok(rows.length >= 7, `found ${rows.length} rows`);
    for (const s of services) {
      for (const row of rows) {
        const label = `${s.name}, Accept ${row.accept ?? 'none'}, ${row.method}`;
        if (row.method === 'GET') {
          for (const query of [undefined, '{ __typename }']) {
            const res = await s.fetch({ method: 'GET', accept: row.accept, query });
            assert.is(res.status, row.okStatus, label);
            assert.is(res.headers.get('content-type'), row.contentType, label);
            assert.match(await res.text(), /<html/i, `${label}: the GraphiQL page`);
          }
          continue;
        }
        const ok = await s.fetch({ accept: row.accept, query: '{ __typename }' });
        assert.is(ok.status, row.okStatus, `${label}: without errors`);
        assert.is(ok.headers.get('content-type'), row.contentType, `${label}: content type`);
        const okText = await ok.text();
        if (row.contentType === null) {
          assert.is(okText, '', `${label}: empty body`);
          assert.ok(ok.headers.get('accept')?.includes('application/json'), `${label}: the answer's Accept lists what is served`);
        } else {
          assert.equal(resultOf(row.contentType, okText).data, { __typename: 'Query' }, label);
        }
        if (row.errorStatus === undefined) continue;
        for (const { what, request, code } of REFUSALS) {
          const res = await s.fetch({ ...request, accept: row.accept });
          const text = await res.text();
          if (row.errorStatus !== null) {
            assert.is(res.status, row.errorStatus, `${label}, ${what}`);
            continue;
          }
          const codes = codesOf(resultOf(res.headers.get('content-type'), text));
          assert.equal(codes, [code], `${label}, ${what}: ${text.slice(0, 300)}`);
          assert.is(res.status, highestStatus(codes), `${label}, ${what}: the code's status`);
          assert.is(res.headers.get('content-type'), row.contentType, `${label}, ${what}: content type`);
        }
      }
    }
  });

  test('a resolver failing with a plain error answers 500 INTERNAL_SERVER_ERROR under every Accept, masked, with the cause logged', async ({ services }) => {
    const rows = acceptTable().filter((r) => r.method === 'POST' && r.errorStatus === null);
    for (const s of services) {
      await s.breakDatabase();
      for (const row of rows) {
        const res = await s.fetch({ accept: row.accept, query: s.readsDatabase });
        const body = resultOf(res.headers.get('content-type'), await res.text());
        assert.equal(codesOf(body), ['INTERNAL_SERVER_ERROR'], `${s.name}, ${row.accept ?? 'none'}: ${JSON.stringify(body)}`);
        assert.is(res.status, 500, `${s.name}, ${row.accept ?? 'none'}`);
        assert.is(body.errors![0].message, 'Unexpected error.', `${s.name}: masked`);
      }
      const logged = s.logs.filter((e) => e.msg === 'unexpected error in a GraphQL request' && e.err);
      assert.ok(logged.length >= rows.length, `${s.name}: every failure is logged with its cause (${logged.length})`);
    }
  });

  test("Yoga's own refusals of a malformed request are in catalog terms", async ({ services }) => {
    for (const s of services) {
      const expect = async (r: RawRequest, code: ErrorCode, what: string) => {
        const res = await s.fetch(r);
        const body = (await res.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
        assert.equal(codesOf(body), [code], `${s.name}, ${what}: ${JSON.stringify(body)}`);
        assert.is(res.status, ERROR_CODES[code].status, `${s.name}, ${what}`);
        return { res, body };
      };
      const badJson = await expect({ body: '{"query": "secret-value' }, 'BAD_REQUEST', 'a body that is not JSON');
      if (s.name === 'aggregator') assert.not.ok(JSON.stringify(badJson.body).includes('secret-value'), 'the aggregator does not quote the body back');
      await expect({ body: '{}' }, 'BAD_REQUEST', 'no query');
      await expect({ query: 'query A { __typename } query B { __typename }' }, 'BAD_REQUEST', 'two operations, none named');
      const put = await expect({ method: 'PUT', query: '{ __typename }' }, 'METHOD_NOT_ALLOWED', 'PUT');
      assert.is(put.res.headers.get('allow'), 'GET, POST');
      const get = await expect(
        { method: 'GET', query: 'mutation { __typename }', headers: { 'x-graphql-yoga-csrf': '1' } },
        'METHOD_NOT_ALLOWED',
        'a mutation by GET',
      );
      assert.is(get.res.headers.get('allow'), 'POST');
      await expect({ method: 'GET', query: '{ __typename }', accept: 'application/json' }, 'FORBIDDEN', 'GET without the CSRF header');
    }
  });

  test.run();
}
