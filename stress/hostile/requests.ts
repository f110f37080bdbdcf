/**
 * The hostile requests, as one fast-check arbitrary per service, generated from the printed schema
 * (schema.graphql, aggregator/schema.graphql): every root field with arguments of the right or the
 * wrong type, and the attacks around GraphQL itself (broken bodies, floods, nesting, batching,
 * foreign Host headers).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { buildSchema, GraphQLEnumType, GraphQLObjectType, getNamedType, isLeafType, type GraphQLField, type GraphQLSchema } from 'graphql';

import { sampleReport } from '../../bench/lib/apps.js';
import { ADMIN_KEY, API_KEY } from '../lib/servers.js';
import { hostileString, jsonFor, literal, SENSITIVE } from './values.js';

export type Service = 'local' | 'aggregator';

export interface HostileRequest {
  category: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Must be refused: an error, no data. */
  mustRefuse?: boolean;
  /** The refusal must carry this code. */
  expectCode?: string;
  /** Must not come back in the answer (an echoed body). */
  noEcho?: string;
}

/** What each category is, and the issue's defect its failures point at (when one does). */
export const CATEGORIES: Record<string, { what: string; defect?: number }> = {
  'schema-variables': { what: 'every root field, JSON variables of right and wrong types, huge strings and lists, unknown fields, injection and NUL strings' },
  'schema-literals': { what: 'every root field, the same values as GraphQL literals' },
  'valid-then-broken': { what: 'a valid input with one field replaced by a hostile value' },
  'nul-and-range': { what: 'NUL bytes in stored strings, out-of-range dates, non-UUID ids', defect: 6 },
  implausible: { what: 'reports from year 0001/1970/2100/9999, models that hold an address or a serial', defect: 7 },
  'broken-json': { what: 'truncated and non-object JSON, wrong query/variables types; the body is never echoed', defect: 10 },
  'invalid-utf8': { what: 'bodies with invalid UTF-8 bytes' },
  'deep-selection': { what: 'selections nested 13 to 3000 deep (introspection too, which graphql-armor exempts from the depth limit)', defect: 5 },
  'deep-literal': { what: 'list and object literals nested 100 to 5000 deep, in the query and in variables', defect: 5 },
  floods: { what: 'alias, directive, fragment and token floods, fragment cycles' },
  batched: { what: 'batched operations (JSON arrays), many operations in one document' },
  'unknown-fields': { what: 'unknown fields and arguments; no "Did you mean" suggestions', defect: 10 },
  oversized: { what: 'bodies of 1 to 8 MB' },
  'foreign-host': { what: 'foreign Host headers (DNS rebinding) on /graphql, /usage-data/export, /health' },
  'http-misuse': { what: 'other methods, content types, form posts and GET mutations' },
};

const ROOT = join(import.meta.dirname, '..', '..');
const schemas: Record<Service, GraphQLSchema> = {
  local: buildSchema(readFileSync(join(ROOT, 'schema.graphql'), 'utf8')),
  aggregator: buildSchema(readFileSync(join(ROOT, 'aggregator', 'schema.graphql'), 'utf8')),
};

function enumNames(schema: GraphQLSchema): Set<string> {
  const out = new Set<string>();
  for (const t of Object.values(schema.getTypeMap())) if (t instanceof GraphQLEnumType) for (const v of t.getValues()) out.add(v.name);
  return out;
}

/** A selection of the leaf fields (two levels down) of a field's type, or '' for a leaf. */
function selection(field: GraphQLField<unknown, unknown>, depth = 0): string {
  const type = getNamedType(field.type);
  if (isLeafType(type) || !(type instanceof GraphQLObjectType)) return '';
  const parts = ['__typename'];
  for (const f of Object.values(type.getFields())) {
    if (f.args.some((a) => a.type.toString().endsWith('!') && a.defaultValue === undefined)) continue;
    if (isLeafType(getNamedType(f.type))) parts.push(f.name);
    else if (depth < 2) parts.push(`${f.name} ${selection(f, depth + 1)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

function rootFields(schema: GraphQLSchema) {
  return [
    ...Object.values(schema.getQueryType()!.getFields()).map((f) => ({ op: 'query', f })),
    ...Object.values(schema.getMutationType()!.getFields()).map((f) => ({ op: 'mutation', f })),
  ];
}

const json = (query: string, variables?: unknown) => JSON.stringify({ query, variables });

/** Headers of a client that knows the API key (mostly) and some installation secret. */
const aggregatorHeaders = fc.record({
  'x-api-key': fc.oneof({ weight: 4, arbitrary: fc.constant(API_KEY) }, { weight: 1, arbitrary: hostileString.filter((s) => /^[\x20-\x7e]{0,200}$/.test(s)) }),
  'x-installation-secret': fc.constantFrom(...SENSITIVE.secrets),
});

function schemaRequests(service: Service): fc.Arbitrary<HostileRequest> {
  const schema = schemas[service];
  const enums = enumNames(schema);
  const fields = rootFields(schema);
  const headers = service === 'aggregator' ? aggregatorHeaders : fc.constant({});
  const variables = fc.constantFrom(...fields).chain(({ op, f }) => {
    const defs = f.args.map((a, i) => `$a${i}: ${a.type.toString()}`).join(', ');
    const args = f.args.map((a, i) => `${a.name}: $a${i}`).join(', ');
    const text = `${op}${defs ? `(${defs})` : ''} { ${f.name}${args ? `(${args})` : ''} ${selection(f)} }`;
    const vars = fc.tuple(...f.args.map((a) => jsonFor(a.type))).map((vs) => Object.fromEntries(vs.map((v, i) => [`a${i}`, v])));
    return fc.tuple(vars, headers).map(([v, h]) => ({ category: 'schema-variables', body: json(text, v), headers: h }));
  });
  const literals = fc.constantFrom(...fields).chain(({ op, f }) => {
    const vals = fc.tuple(...f.args.map((a) => fc.option(jsonFor(a.type), { freq: 5 })));
    return fc.tuple(vals, headers).map(([vs, h]) => {
      const args = f.args
        .map((a, i) => (vs[i] === null ? '' : `${a.name}: ${literal(vs[i], enums)}`))
        .filter(Boolean)
        .join(', ');
      return { category: 'schema-literals', body: json(`${op} { ${f.name}${args ? `(${args})` : ''} ${selection(f)} }`), headers: h };
    });
  });
  return fc.oneof(variables, literals);
}

/** Sets `value` at one leaf of a copy of `obj`. */
function replaceLeaf(obj: unknown, pick: number, value: unknown): unknown {
  const copy = structuredClone(obj) as Record<string, unknown>;
  const leaves: [Record<string, unknown>, string][] = [];
  const walk = (o: unknown) => {
    if (!o || typeof o !== 'object') return;
    for (const [k, v] of Object.entries(o)) {
      if (v && typeof v === 'object') walk(v);
      else leaves.push([o as Record<string, unknown>, k]);
    }
  };
  walk(copy);
  const [holder, key] = leaves[pick % leaves.length];
  holder[key] = value;
  return copy;
}

const SUBMIT = 'mutation($input: UsageReportInput!) { submitReport(input: $input) { reportId duplicate } }';
const RECORD = 'mutation($input: RecordUsageEventsInput!) { recordUsageEvents(input: $input) { recordedCount } }';
const ADD_PRINTER = 'mutation($input: AddPrinterInput!) { addPrinter(input: $input) { printer { id model } } }';

function latestMidnight(): string {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  return d.toISOString();
}

export function report(installationId?: string): Record<string, unknown> {
  return sampleReport({ installationId, end: latestMidnight(), days: 7 });
}

const anyValue = fc.oneof(hostileString, fc.constantFrom<unknown>(null, -1, 1e21, 1.5, true, [], {}, '', '0000-01-01', '9999-12-31T00:00:00.000Z'));

function validThenBroken(service: Service): fc.Arbitrary<HostileRequest> {
  if (service === 'aggregator')
    return fc.tuple(fc.nat(), anyValue, aggregatorHeaders, fc.uuid({ version: 4 })).map(([pick, v, h, id]) => ({
      category: 'valid-then-broken',
      body: json(SUBMIT, { input: replaceLeaf(report(id), pick, v) }),
      headers: h,
    }));
  const events = [
    { type: 'JOB_COMPLETED', printerType: 'bambu_lab', durationSeconds: 3600 },
    { type: 'ERROR_OCCURRED', errorType: 'connection_timeout', component: 'mqtt' },
    { type: 'FEATURE_ENABLED', feature: 'timelapse' },
  ];
  const printer = { name: SENSITIVE.names[0], type: 'bambu_lab', serial: SENSITIVE.serials[0], host: SENSITIVE.hosts[0] };
  return fc.oneof(
    fc
      .tuple(fc.nat(), anyValue)
      .map(([pick, v]) => ({ category: 'valid-then-broken', body: json(RECORD, { input: { events: replaceLeaf(events, pick, v) } }) })),
    fc.tuple(fc.nat(), anyValue).map(([pick, v]) => ({ category: 'valid-then-broken', body: json(ADD_PRINTER, { input: replaceLeaf(printer, pick, v) }) })),
  );
}

function nulAndRange(service: Service): fc.Arbitrary<HostileRequest> {
  const nul = fc.constantFrom('\u0000', 'a\u0000b', `${SENSITIVE.names[1]}\u0000`, `\u0000${SENSITIVE.serials[1]}`);
  if (service === 'aggregator')
    return fc.oneof(
      fc.tuple(nul, fc.constantFrom('not-a-uuid', "' OR 1=1 --", '00000000-0000-0000-0000-00000000000g', 'x'.repeat(5000))).map(([n, id]) => ({
        category: 'nul-and-range',
        mustRefuse: true,
        expectCode: 'BAD_USER_INPUT',
        body: json('mutation($input: DeleteInstallationInput!) { deleteInstallation(input: $input) { deletedReports } }', {
          input: { installationId: id + n },
        }),
        headers: { 'x-admin-key': ADMIN_KEY },
      })),
      fc.tuple(nul, fc.constantFrom('appVersion', 'runtimeVersion', 'countryCode')).map(([n, key]) => {
        const r = report() as { installation: Record<string, unknown> };
        r.installation[key] = `2${n}`;
        return {
          category: 'nul-and-range',
          mustRefuse: true,
          body: json(SUBMIT, { input: r }),
          headers: { 'x-api-key': API_KEY, 'x-installation-secret': SENSITIVE.secrets[0] },
        };
      }),
    );
  return fc.oneof(
    fc.tuple(nul, fc.constantFrom('name', 'serial', 'host')).map(([n, key]) => ({
      category: 'nul-and-range',
      mustRefuse: true,
      expectCode: 'BAD_USER_INPUT',
      body: json(ADD_PRINTER, {
        input: { name: SENSITIVE.names[1], type: 'prusa', serial: SENSITIVE.serials[1], host: SENSITIVE.hosts[1], [key]: `${SENSITIVE.hosts[0]}${n}` },
      }),
    })),
    fc.constantFrom('0000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '0001-01-01T00:00:00Z').map((from) => ({
      category: 'nul-and-range',
      body: json('query($from: DateTime) { usageEvents(from: $from, first: 1) { totalCount } usageStatistics(from: $from) { totalEvents } }', { from }),
    })),
    nul.map((n) => ({
      category: 'nul-and-range',
      mustRefuse: true,
      expectCode: 'BAD_USER_INPUT',
      body: json(RECORD, { input: { events: [{ type: 'ERROR_OCCURRED', errorType: `x${n}` }] } }),
    })),
  );
}

function implausible(): fc.Arbitrary<HostileRequest> {
  const shift = (r: Record<string, unknown>, year: string) => {
    const p = r.period as { start: string; end: string };
    p.start = `${year}${p.start.slice(4)}`;
    p.end = `${year}${p.end.slice(4)}`;
    return r;
  };
  const mutate: ((r: Record<string, unknown>) => Record<string, unknown>)[] = [
    ...['0001', '1970', '2100', '9999'].map((y) => (r: Record<string, unknown>) => shift(r, y)),
    (r) => {
      (r.installation as Record<string, unknown>).firstSeenOn = '0000-01-01';
      return r;
    },
    ...['192.168.1.20', '10.0.0.7', '00M09A350100456', 'SN 01S00C123456789', 'fe80::1'].map((m) => (r: Record<string, unknown>) => {
      (r.fleet as { printerTypes: Record<string, unknown>[] }).printerTypes[0].model = m;
      return r;
    }),
  ];
  return fc.tuple(fc.constantFrom(...mutate), fc.constantFrom(...SENSITIVE.secrets)).map(([m, secret]) => ({
    category: 'implausible',
    mustRefuse: true,
    expectCode: 'BAD_USER_INPUT',
    body: json(SUBMIT, { input: m(report()) }),
    headers: { 'x-api-key': API_KEY, 'x-installation-secret': secret },
  }));
}

function brokenJson(): fc.Arbitrary<HostileRequest> {
  const marker = `ECHO-${SENSITIVE.serials[0]}`;
  return fc
    .oneof(
      fc.constantFrom(`{"query": "{ __typename }", "x": "${marker}"`, `{"query": ${marker}}`, `${marker}`, `[${marker}]`, `{"query":"{__typename}"}${marker}`),
      fc.constantFrom(
        '[]',
        '1',
        '"x"',
        'null',
        '{}',
        '{"query": 1}',
        '{"query": ["{ __typename }"]}',
        '{"query": "{ __typename }", "variables": "x"}',
        '{"query": "{ __typename }", "variables": [1]}',
        '{"query": "{ __typename }", "operationName": "Nope"}',
        '\uFEFF{"query":"{ __typename }"}',
      ),
      fc.string({ unit: 'binary', maxLength: 200 }).map((s) => `{"query": "${s}`),
    )
    .map((body) => ({ category: 'broken-json', body, noEcho: marker }));
}

function invalidUtf8(): fc.Arbitrary<HostileRequest> {
  return fc.constantFrom([0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80], [0xf4, 0x90, 0x80, 0x80], [0x00]).chain((bad) =>
    fc.constantFrom('prefix', 'in-string', 'in-variables').map((where) => {
      const b = Buffer.from(bad);
      const body =
        where === 'prefix'
          ? Buffer.concat([b, Buffer.from('{"query":"{ __typename }"}')])
          : where === 'in-string'
            ? Buffer.concat([Buffer.from('{"query":"{ __typename } #'), b, Buffer.from('"}')])
            : Buffer.concat([Buffer.from('{"query":"query($a: String) { __typename }","variables":{"a":"'), b, Buffer.from('"}}')]);
      return { category: 'invalid-utf8', body };
    }),
  );
}

function deepSelection(service: Service): fc.Arbitrary<HostileRequest> {
  const field = service === 'local' ? 'usageEvents' : 'statsSummary';
  return fc.tuple(fc.integer({ min: 13, max: 3000 }), fc.boolean()).map(([n, real]) => ({
    category: 'deep-selection',
    // graphql-armor leaves introspection out of maxDepth: those need only not crash.
    mustRefuse: !real,
    body: json(real ? `{ __schema { types { ${'ofType { '.repeat(n)}name${' }'.repeat(n)} } } }` : `{ ${field} ${'{ a '.repeat(n)}${'}'.repeat(n)} }`),
  }));
}

function deepLiteral(service: Service): fc.Arbitrary<HostileRequest> {
  const arg = service === 'local' ? 'usageEvents(first: $v)' : 'statsSummary';
  return fc.tuple(fc.integer({ min: 100, max: 5000 }), fc.constantFrom('list', 'object', 'variables')).map(([n, kind]) => ({
    category: 'deep-literal',
    mustRefuse: true,
    body:
      kind === 'list'
        ? json(
            `query { ${service === 'local' ? 'usageEvents' : 'statsSummary { weekly'}(${service === 'local' ? 'first' : 'weeks'}: ${'['.repeat(n)}1${']'.repeat(n)}) { __typename } ${service === 'local' ? '' : '}'} }`,
          )
        : kind === 'object'
          ? json(`mutation { recordUsageEvent(input: ${'{ a: '.repeat(n)}1${' }'.repeat(n)}) { __typename } }`)
          : `{"query":"query($v: Int) { ${arg} { __typename } }","variables":{"v":${'['.repeat(n)}1${']'.repeat(n)}}}`,
  }));
}

function floods(service: Service): fc.Arbitrary<HostileRequest> {
  const field = service === 'local' ? 'usageSettings { consent }' : 'health { status }';
  return fc.tuple(fc.constantFrom('alias', 'directive', 'fragment', 'cycle', 'tokens', 'fanout'), fc.integer({ min: 21, max: 5000 })).map(([kind, n]) => {
    let q: string;
    // Above every limit of both services: 20 aliases, 50 directives, 5000 tokens.
    if (kind === 'alias') q = `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
    else if (kind === 'directive') q = `{ __typename ${'@include(if: true) '.repeat(n + 30)}}`;
    else if (kind === 'fragment')
      q = `{ ...F0 } ${Array.from({ length: Math.min(n, 2000) }, (_, i) => `fragment F${i} on Query { __typename ${i + 1 < Math.min(n, 2000) ? `...F${i + 1}` : ''} }`).join(' ')}`;
    else if (kind === 'cycle') q = `{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`;
    else if (kind === 'tokens') q = `{ ${'__typename '.repeat(n + 5000)}}`;
    else
      q = `{ ...F0 } ${Array.from({ length: 20 }, (_, i) => `fragment F${i} on Query { ${i < 19 ? `...F${i + 1} ...F${i + 1}` : '__typename'} }`).join(' ')}`;
    return { category: 'floods', mustRefuse: kind !== 'fragment' || n > 20, body: json(q) };
  });
}

function batched(): fc.Arbitrary<HostileRequest> {
  return fc.tuple(fc.integer({ min: 2, max: 500 }), fc.boolean()).map(([n, asArray]) => ({
    category: 'batched',
    mustRefuse: true,
    body: asArray
      ? JSON.stringify(Array.from({ length: n }, () => ({ query: '{ __typename }' })))
      : json(Array.from({ length: n }, (_, i) => `query Q${i} { __typename }`).join(' ')),
  }));
}

function unknownFields(service: Service): fc.Arbitrary<HostileRequest> {
  const near = service === 'local' ? ['usageEvent', 'printer', 'exportUsage', 'usageSetting'] : ['statsSumary', 'healt', 'anomaly', 'submitReports'];
  return fc.tuple(fc.constantFrom(...near), fc.boolean()).map(([name, asArg]) => ({
    category: 'unknown-fields',
    mustRefuse: true,
    body: json(asArg ? `{ ${service === 'local' ? 'usageEvents' : 'statsSummary'}(${name}: 1) { __typename } }` : `{ ${name} }`),
  }));
}

function oversized(service: Service): fc.Arbitrary<HostileRequest> {
  return fc.integer({ min: 1, max: 8 }).map((mb): HostileRequest => {
    const pad = 'x'.repeat(mb * 1024 * 1024);
    return {
      category: 'oversized',
      body: service === 'local' ? json(`{ __typename } # ${pad}`) : json(SUBMIT, { input: { ...report(), pad } }),
      headers: service === 'aggregator' ? { 'x-api-key': API_KEY, 'x-installation-secret': SENSITIVE.secrets[1] } : undefined,
    };
  });
}

function foreignHost(service: Service): fc.Arbitrary<HostileRequest> {
  const hosts = fc.constantFrom(
    'evil.example',
    'rebind.attacker.test:4000',
    'localhost.attacker.test',
    '127.0.0.1.nip.io',
    'printernizer.evil',
    '[::ffff:7f00:1].evil',
  );
  const reads =
    service === 'local'
      ? [
          { path: '/graphql', body: json('{ printers { name } usageSettings { installationId } exportUsageData { events { type } } }') },
          { path: '/graphql', body: json('mutation { optInUsageStatistics { usageSettings { consent } } }') },
          { path: '/usage-data/export', method: 'GET' },
        ]
      : [{ path: '/graphql', body: json('{ statsSummary { reportsAccepted } health { status } }') }];
  return fc.tuple(hosts, fc.constantFrom(...reads)).map(([host, r]) => ({
    category: 'foreign-host',
    // The local API serves one machine: a foreign Host is a rebinding page and must get nothing.
    mustRefuse: service === 'local',
    method: r.method,
    path: r.path,
    body: r.body,
    headers: { host },
  }));
}

function httpMisuse(): fc.Arbitrary<HostileRequest> {
  return fc.constantFrom<HostileRequest>(
    { category: 'http-misuse', method: 'PUT', body: json('{ __typename }') },
    { category: 'http-misuse', method: 'DELETE' },
    {
      category: 'http-misuse',
      method: 'GET',
      path: '/graphql?query=mutation%20%7B%20__typename%20%7D',
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    },
    { category: 'http-misuse', method: 'GET', path: '/graphql?query=%7B__typename%7D', headers: { accept: 'application/json' } },
    { category: 'http-misuse', body: 'query=%7B__typename%7D', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { category: 'http-misuse', body: '<query/>', headers: { 'content-type': 'text/xml' } },
    { category: 'http-misuse', body: json('{ __typename }'), headers: { accept: 'text/plain' } },
    { category: 'http-misuse', path: '/../../etc/passwd' },
    { category: 'http-misuse', path: '/graphql/../../admin', method: 'GET' },
  );
}

/** Every hostile request kind for one service, weighted so the schema-driven ones are the bulk. */
export function hostileRequests(service: Service): fc.Arbitrary<HostileRequest> {
  const kinds: { weight: number; arbitrary: fc.Arbitrary<HostileRequest> }[] = [
    { weight: 30, arbitrary: schemaRequests(service) },
    { weight: 10, arbitrary: validThenBroken(service) },
    { weight: 6, arbitrary: nulAndRange(service) },
    { weight: 5, arbitrary: brokenJson() },
    { weight: 3, arbitrary: invalidUtf8() },
    { weight: 4, arbitrary: deepSelection(service) },
    { weight: 5, arbitrary: deepLiteral(service) },
    { weight: 5, arbitrary: floods(service) },
    { weight: 3, arbitrary: batched() },
    { weight: 3, arbitrary: unknownFields(service) },
    { weight: 1, arbitrary: oversized(service) },
    { weight: 4, arbitrary: foreignHost(service) },
    { weight: 2, arbitrary: httpMisuse() },
  ];
  if (service === 'aggregator') kinds.push({ weight: 4, arbitrary: implausible() });
  return fc.oneof(...kinds);
}
