/**
 * fast-check arbitraries for hostile values: the strings an attacker types, and values of every
 * GraphQL input type read from the printed schemas, right or wrong, as literals or as JSON.
 */
import { randomBytes } from 'node:crypto';

import fc from 'fast-check';
import { GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, type GraphQLInputType } from 'graphql';

/**
 * What the suite sends that must never show up in a log line: printer names, serial numbers and
 * addresses, installation secrets, and the keys. Random per run, so an old log cannot match.
 */
export const SENSITIVE = (() => {
  const tag = randomBytes(4).toString('hex');
  return {
    names: [`Stress Printer ${tag}`, `Garage-${tag}-MK4`],
    serials: [`01S00C${tag.toUpperCase()}77`, `SN${tag.toUpperCase()}0042`],
    hosts: [`192.0.2.${(parseInt(tag.slice(0, 2), 16) % 250) + 1}`, `printer-${tag}.lan`],
    secrets: Array.from({ length: 6 }, (_, i) => `stress-secret-${tag}-${i}-${randomBytes(8).toString('hex')}`),
  };
})();

const INJECTIONS = [
  `' OR '1'='1`,
  `'; DROP TABLE usage_event; --`,
  `"); DELETE FROM report; --`,
  `1; select pg_sleep(5)`,
  `\\x00`,
  `<script>alert(1)</script>`,
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '%00%0d%0a',
  '\r\nSet-Cookie: a=b',
  'A\u0000B',
  '\u0000',
  '\uFEFF',
  '\u202Egnp.exe',
  'ｆｕｌｌｗｉｄｔｈ',
  '𝕌𝕟𝕚𝕔𝕠𝕕𝕖',
  '\uD800',
  '__proto__',
  'constructor',
];

const PLAUSIBLE = ['bambu_lab', 'prusa', 'P1S', 'MK4S', 'X1C', '2.42.0', 'timelapse', 'mqtt', 'connection_timeout', 'JOB_COMPLETED', 'LINUX', 'DE'];

/** Strings an attacker would try, plus the sensitive markers and a few plausible values (to get past the first check). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }).map((s) => `${s}\u0000${s}`) },
  { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 120_000 }).map((n) => 'A'.repeat(n)) },
  { weight: 3, arbitrary: fc.constantFrom(...SENSITIVE.names, ...SENSITIVE.serials, ...SENSITIVE.hosts) },
  { weight: 3, arbitrary: fc.constantFrom(...PLAUSIBLE) },
  { weight: 1, arbitrary: fc.uuid() },
);

const DATES = [
  '0000-01-01',
  '0001-01-01',
  '1970-01-01',
  '2100-01-01',
  '9999-12-31',
  '2026-02-30',
  '2026-13-01',
  '-000001-01-01',
  '+275760-09-13',
  '2026-11-28',
];
const TIMES = ['T00:00:00Z', 'T00:00:00.000Z', 'T25:61:61Z', 'T12:00:00+14:00', '', 'T00:00:00'];

const dateString = fc.constantFrom(...DATES);
const dateTimeString = fc.tuple(dateString, fc.constantFrom(...TIMES)).map(([d, t]) => d + t);

/** A JSON value of any shape, for "wrong type" positions. */
const wrongJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, '', 'x', [], {}, [1, 2], { a: 1 }),
  hostileString,
);

/** A JSON value for a variable of this type: mostly of the type, sometimes of the wrong one. */
export function jsonFor(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (type instanceof GraphQLNonNull) return jsonFor(type.ofType, depth);
  if (depth > 4) return wrongJson;
  let right: fc.Arbitrary<unknown>;
  if (type instanceof GraphQLList) {
    const item = jsonFor(type.ofType, depth + 1);
    right = fc.oneof(
      { weight: 5, arbitrary: fc.array(item, { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.integer({ min: 1001, max: 3000 }).chain((n) => item.map((v) => Array.from({ length: n }, () => v))) },
    );
  } else if (type instanceof GraphQLInputObjectType) {
    const fields = type.getFields();
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, f] of Object.entries(fields)) model[name] = jsonFor(f.type, depth + 1);
    right = fc.tuple(fc.record(model, { requiredKeys: [] }), fc.boolean()).map(([v, extra]) => (extra ? { ...v, zzUnknownField: 1 } : v));
  } else if (type instanceof GraphQLEnumType) {
    right = fc.oneof(fc.constantFrom(...type.getValues().map((v) => v.name)), fc.constant('NOT_A_VALUE'));
  } else right = scalarJson(type.name);
  return fc.oneof({ weight: 6, arbitrary: right }, { weight: 1, arbitrary: wrongJson });
}

function scalarJson(name: string): fc.Arbitrary<unknown> {
  switch (name) {
    case 'Int':
      return fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 1e21));
    case 'Float':
      return fc.double();
    case 'Boolean':
      return fc.boolean();
    case 'Date':
      return dateString;
    case 'DateTime':
      return dateTimeString;
    case 'JSON':
      return fc.jsonValue({ maxDepth: 3 });
    default:
      return hostileString;
  }
}

/** The same value as a GraphQL literal (strings through JSON.stringify, whose escapes GraphQL reads too). */
export function literal(value: unknown, enumNames: Set<string>): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return enumNames.has(value) || value === 'NOT_A_VALUE' ? value : JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, enumNames)).join(' ')}]`;
  if (typeof value === 'object')
    return `{ ${Object.entries(value as Record<string, unknown>)
      .filter(([k]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(k))
      .map(([k, v]) => `${k}: ${literal(v, enumNames)}`)
      .join(', ')} }`;
  return 'null';
}
