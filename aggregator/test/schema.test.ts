import {
  type GraphQLField,
  type GraphQLInputField,
  isEnumType,
  isInputObjectType,
  isIntrospectionType,
  isNonNullType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { query } from '../../common/sql.js';
import { testDatabaseKinds } from '../../test/helpers/databases.js';
import { schema } from '../src/schema/index.js';
import { ADMIN_KEY, createTestAggregator, DELETE, deletionOf, makeReport, secretFor, type TestAggregator } from './helpers/aggregator.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What `{ health { status database redis } }` selects. */
interface HealthData {
  health: { status: string; database: boolean; redis: boolean | null };
}
/** What DELETE selects. */
interface DeleteData {
  deleteInstallation: { installationId: string; deletedReports: number };
}

const docs = suite('aggregator schema as a contract');

docs('every type, field, argument, input field and enum value has a description', () => {
  const missing: string[] = [];
  const need = (where: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(where);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    need(type.name, type.description);
    if (isObjectType(type) || isInputObjectType(type)) {
      for (const field of Object.values<GraphQLField<unknown, unknown> | GraphQLInputField>(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
        for (const arg of 'args' in field ? field.args : []) need(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    }
    if (isEnumType(type)) for (const value of type.getValues()) need(`${type.name}.${value.name}`, value.description);
  }
  assert.equal(missing, [], `undescribed: ${missing.join(', ')}`);
});

docs('closed sets are enums; mutations take one input and return a payload', () => {
  for (const name of ['AnomalyKind', 'AnomalySeverity', 'HealthStatus', 'Platform', 'DeploymentMode']) assert.ok(isEnumType(schema.getType(name)), name);
  for (const field of Object.values(schema.getMutationType()!.getFields())) {
    assert.equal(
      field.args.map((a) => a.name),
      ['input'],
      field.name,
    );
    const input = field.args[0].type;
    assert.ok(isNonNullType(input) && isInputObjectType(input.ofType), `${field.name}(input) is a required input object`);
    assert.is(String(field.type), `${field.name[0].toUpperCase()}${field.name.slice(1)}Payload!`);
  }
});

docs.run();

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator }>(`aggregator contract through yoga.fetch [${db}]`);
  test.before.each(async (ctx) => {
    ctx.t = await createTestAggregator({ db });
  });
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('a refused weeks or days argument nulls only its field; the rest of the answer stands', async ({ t }) => {
    await t.submit(makeReport());
    for (const [arg, field] of [
      ['weekly(weeks: 1000) { weekStart }', 'weekly'],
      ['weekly(weeks: 0) { weekStart }', 'weekly'],
      ['activeInstallations(days: 0)', 'activeInstallations'],
      ['activeInstallations(days: 3651)', 'activeInstallations'],
    ] as const) {
      const res = await t.gql<{
        statsSummary: {
          reportsAccepted: number;
          installationsByPlatform: { key: string; count: number }[];
          weekly?: { weekStart: string }[] | null;
          activeInstallations?: number | null;
        };
        health: { status: string };
      }>(`{ statsSummary { reportsAccepted installationsByPlatform { key count } ${arg} } health { status } }`);
      assert.is(res.errors?.length, 1, arg);
      assert.is(res.errors![0].extensions?.code, 'BAD_USER_INPUT', arg);
      assert.equal((res.errors![0] as { path?: string[] }).path, ['statsSummary', field], arg);
      assert.is(res.data?.statsSummary?.[field], null, arg);
      assert.is(res.data?.statsSummary?.reportsAccepted, 1, `${arg}: the sound part still answers`);
      assert.is(res.status, 200, `${arg}: a partial answer is a success over HTTP`);
      assert.equal(res.data?.health, { status: 'OK' }, arg);
    }
  });

  test('weekly defaults to 12 weeks, each a Date (YYYY-MM-DD, a Monday), oldest first, ending with the current week', async ({ t }) => {
    t.clock.set('2026-11-26T23:59:00Z'); // a Thursday
    await t.submit(makeReport({ end: '2026-11-26T00:00:00.000Z' }));
    const res = await t.gql<{ statsSummary: { weekly: { weekStart: string; reportsReceived: number }[] | null; activeInstallations: number | null } }>(
      `{ statsSummary { weekly { weekStart reportsReceived } activeInstallations } }`,
    );
    assert.equal(res.errors, undefined);
    const weeks = res.data!.statsSummary.weekly!;
    assert.is(weeks.length, 12);
    for (const w of weeks) {
      assert.match(w.weekStart, DAY);
      assert.is(new Date(`${w.weekStart}T00:00:00Z`).getUTCDay(), 1, `${w.weekStart} is a Monday`);
    }
    assert.equal(weeks.at(-1), { weekStart: '2026-11-23', reportsReceived: 1 });
    assert.is(weeks[0].weekStart, '2026-09-07');
    assert.is(res.data?.statsSummary.activeInstallations, 1, 'days defaults to 30');
  });

  test('firstSeenOn is a Date: accepted as YYYY-MM-DD and stored in the report exactly as sent', async ({ t }) => {
    const report = makeReport({ installation: { firstSeenOn: '2024-02-29' } });
    const res = await t.submit(report);
    assert.equal(res.errors, undefined);
    const [row] = await query<{ payload: unknown }>(t.app.services.orm.em.fork(), 'select payload from report where id = ?', [report.reportId]);
    const stored = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as { installation: { firstSeenOn: string } };
    assert.is(stored.installation.firstSeenOn, '2024-02-29', 'the report JSON the contract validates is unchanged');
    const bad = await t.submit(makeReport({ installation: { firstSeenOn: '2025-02-29' } }));
    assert.is(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', 'not a calendar day');
    assert.is(bad.errors?.[0]?.extensions?.field, 'input.installation.firstSeenOn');
  });

  test('the payloads name what changed: the stored report and its installation; the erased installation', async ({ t }) => {
    const report = makeReport();
    const id = report.installation.installationId;
    const stored = await t.submit(report);
    assert.equal(stored.data?.submitReport, { reportId: report.reportId, installationId: id, duplicate: false, receivedAt: '2026-11-28T12:00:00.000Z' });
    const erased = await t.gql<DeleteData>(DELETE, deletionOf(id), { headers: { 'x-installation-secret': secretFor(id) } });
    assert.equal(erased.data?.deleteInstallation, { installationId: id, deletedReports: 1 });
    const missing = await t.gql(`mutation { deleteInstallation { installationId } }`, undefined, { headers: { 'x-admin-key': ADMIN_KEY } });
    assert.is(missing.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', 'input is required');
  });

  test('enums answer their values: HealthStatus, AnomalyKind and AnomalySeverity', async ({ t }) => {
    assert.equal((await t.gql<HealthData>(`{ health { status database redis } }`)).data?.health, { status: 'OK', database: true, redis: null });
    // Ten installations one week, four the next: one ACTIVE_INSTALLATIONS_DROP, HIGH.
    const ids = Array.from({ length: 10 }, () => crypto.randomUUID());
    t.clock.set('2026-11-11T09:00:00Z');
    for (const id of ids) await t.submit(makeReport({ installationId: id, end: '2026-11-11T00:00:00.000Z' }));
    t.clock.set('2026-11-18T09:00:00Z');
    for (const id of ids.slice(0, 4)) await t.submit(makeReport({ installationId: id, end: '2026-11-18T00:00:00.000Z' }));
    t.clock.set('2026-11-26T12:00:00Z');
    const res = await t.gql<{ anomalies: { kind: string; severity: string; detectedAt: string }[] | null }>(
      `{ anomalies { kind severity detectedAt } }`,
      undefined,
      { headers: { 'x-admin-key': ADMIN_KEY } },
    );
    assert.equal(res.data?.anomalies, [{ kind: 'ACTIVE_INSTALLATIONS_DROP', severity: 'HIGH', detectedAt: '2026-11-26T12:00:00.000Z' }]);
  });

  test('anomalies without the admin key: null with FORBIDDEN, while the public summary asked alongside answers', async ({ t }) => {
    await t.submit(makeReport());
    const res = await t.gql<{ statsSummary: { reportsAccepted: number }; anomalies: { kind: string }[] | null }>(
      `{ statsSummary { reportsAccepted } anomalies { kind } }`,
    );
    assert.is(res.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.equal(res.data, { statsSummary: { reportsAccepted: 1 }, anomalies: null });
  });

  test.run();
}
