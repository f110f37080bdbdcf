import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getNamedType, isEnumType, isInputObjectType, isIntrospectionType, isObjectType, isSpecifiedScalarType, type GraphQLSchema } from 'graphql';

import { DAY_MS } from '../../common/clock.js';
import type { UsageReport } from '../../common/report/contract.js';
import { schema } from '../../src/schema/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKinds } from '../helpers/databases.js';

const RECORD_MANY = `mutation($events: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $events }) { recordedCount events { id type occurredAt } } }`;
const PAGE = `query($first: Int, $after: String, $last: Int, $before: String) {
  usageEvents(first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { id occurredAt } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
type RecordedMany = { recordUsageEvents: { recordedCount: number; events: { id: string; type: string; occurredAt: string }[] } | null };
type OptedIn<S> = { optInUsageStatistics: { usageSettings: S } | null };

/** Every schema element a client sees that has no description, as "Type.field(arg)" paths. */
function undescribed(s: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(s.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (!type.description && !['Query', 'Mutation'].includes(type.name)) missing.push(type.name);
    if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing;
}

const shape = suite('schema shape');

shape('every type, field, argument, input field and enum value has a description', () => {
  assert.equal(undescribed(schema), []);
});

shape('closed sets are enums and days are Date', () => {
  const field = (type: string, name: string) => {
    const t = schema.getType(type);
    assert.ok(isObjectType(t), type);
    return getNamedType(t.getFields()[name].type).name;
  };
  assert.is(field('UsageSettings', 'remoteDeletion'), 'RemoteDeletionState');
  assert.is(field('UsageSettings', 'blockedBy'), 'KillSwitch');
  assert.is(field('PluginStatus', 'errorCode'), 'PluginErrorCode');
  assert.is(field('DeleteUsageDataPayload', 'remoteDeletion'), 'RemoteDeletionState');
  assert.is(field('DailyUsage', 'date'), 'Date');
  assert.is(field('InstallationInfo', 'firstSeenOn'), 'Date');
  assert.is(field('PrinterType', 'id'), 'ID');
  assert.ok(schema.getQueryType()!.getFields().exportUsageData, 'the export is a query');
  assert.not.ok(schema.getMutationType()!.getFields().exportUsageData, 'and no longer a mutation');
});

shape.run();

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestApp }>(`API contract [${db}]`);
  test.before.each(async (ctx) => {
    ctx.t = await createTestApp({ db, now: '2026-11-28T12:00:00.000Z' });
  });
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('mutations return payloads holding what changed', async ({ t }) => {
    const one = (
      await t.ok<{ recordUsageEvent: { event: { id: string; type: string } } | null }>(
        `mutation { recordUsageEvent(input: { type: JOB_CREATED }) { event { id type } } }`,
      )
    ).recordUsageEvent!;
    assert.is(one.event.type, 'JOB_CREATED');
    const many = (await t.ok<RecordedMany>(RECORD_MANY, { events: [{ type: 'APP_START' }, { type: 'FILE_UPLOADED', fileSizeBytes: 10 }] })).recordUsageEvents!;
    assert.is(many.recordedCount, 2);
    assert.equal(
      many.events.map((e) => e.type),
      ['APP_START', 'FILE_UPLOADED'],
      'the stored events, in the order given',
    );
    const stored = (
      await t.ok<{ usageEvents: { edges: { node: { id: string } }[] } | null }>(`{ usageEvents { edges { node { id } } } }`)
    ).usageEvents!.edges.map((e) => e.node.id);
    assert.equal([...stored].sort(), [one.event.id, ...many.events.map((e) => e.id)].sort(), 'the ids returned are the ids stored');

    const optIn = (
      await t.ok<OptedIn<{ consent: string; shareCountry: boolean }>>(`mutation { optInUsageStatistics { usageSettings { consent shareCountry } } }`)
    ).optInUsageStatistics;
    assert.equal(optIn, { usageSettings: { consent: 'GRANTED', shareCountry: true } }, 'the input may be left out: its fields have defaults');
    const added = (
      await t.ok<{ addPrinter: { printer: { id: string; model: string | null; type: { id: string } } } | null }>(
        `mutation { addPrinter(input: { name: "Desk", type: "prusa", model: "1.4.1" }) { printer { id model type { id } } } }`,
      )
    ).addPrinter!;
    assert.equal({ ...added.printer, id: undefined }, { id: undefined, model: 'MK4S', type: { id: 'prusa' } });
    const removed = (
      await t.ok<{ removePrinter: { removedPrinterId: string | null } | null }>(
        `mutation($id: ID!) { removePrinter(input: { printerId: $id }) { removedPrinterId } }`,
        {
          id: added.printer.id,
        },
      )
    ).removePrinter;
    assert.equal(removed, { removedPrinterId: added.printer.id });

    t.clock.advance(2 * DAY_MS);
    const submitted = (
      await t.ok<{ submitUsageReport: { submission: { id: string; status: string; payload: UsageReport } } | null }>(
        `mutation { submitUsageReport { submission { id status payload } } }`,
      )
    ).submitUsageReport!;
    assert.is(submitted.submission.status, 'PENDING', 'built and stored; no aggregator answers here');
    assert.is(submitted.submission.payload.reportId, submitted.submission.id);

    const deleted = (
      await t.ok<{
        deleteUsageData: {
          deletedEventCount: number;
          deletedSubmissionCount: number;
          remoteDeletion: string;
          usageSettings: { consent: string; installationId: string | null };
        } | null;
      }>(`mutation { deleteUsageData { deletedEventCount deletedSubmissionCount remoteDeletion usageSettings { consent installationId } } }`)
    ).deleteUsageData;
    assert.equal(deleted, {
      deletedEventCount: 3,
      deletedSubmissionCount: 1,
      remoteDeletion: 'NOT_REQUESTED',
      usageSettings: { consent: 'UNDECIDED', installationId: null },
    });
    const optOut = (
      await t.ok<{ optOutUsageStatistics: { usageSettings: { consent: string; enabled: boolean } } | null }>(
        `mutation { optOutUsageStatistics(input: { deleteRemoteData: false }) { usageSettings { consent enabled } } }`,
      )
    ).optOutUsageStatistics;
    assert.equal(optOut, { usageSettings: { consent: 'DENIED', enabled: false } });
  });

  test('a refused mutation nulls only its own payload; the others in the request still run', async ({ t }) => {
    const res = await t.gql(`mutation {
      bad: recordUsageEvent(input: { type: ERROR_OCCURRED }) { event { id } }
      good: recordUsageEvent(input: { type: APP_START }) { event { type } } }`);
    assert.is(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(res.errors?.[0]?.path, ['bad']);
    assert.equal(res.data, { bad: null, good: { event: { type: 'APP_START' } } });
  });

  test('usageEvents pages forwards with first/after and backwards with last/before, exactly per the Relay spec', async ({ t }) => {
    // 11 events; two pairs share an instant so that the id must break the tie.
    const events = Array.from({ length: 9 }, (_, i) => ({ type: 'JOB_CREATED', occurredAt: new Date(Date.UTC(2026, 10, 1 + i, 8)).toISOString() }));
    events.push({ ...events[3] }, { ...events[7] });
    await t.ok(RECORD_MANY, { events });
    type Page = { totalCount: number; edges: { cursor: string; node: { id: string; occurredAt: string } }[]; pageInfo: PageInfo };
    const page = async (vars: Record<string, unknown>): Promise<Page> => (await t.ok<{ usageEvents: Page | null }>(PAGE, vars)).usageEvents!;
    const all = (await page({ first: 500 })).edges.map((e) => e.node.id);
    assert.is(all.length, 11);

    const forwards: string[] = [];
    let after: string | null = null;
    const flags: unknown[] = [];
    for (let n = 0; n < 10; n++) {
      const p: Page = await page({ first: 4, after });
      assert.is(p.totalCount, 11);
      forwards.push(...p.edges.map((e) => e.node.id));
      flags.push([p.pageInfo.hasPreviousPage, p.pageInfo.hasNextPage]);
      assert.is(p.pageInfo.startCursor, p.edges[0].cursor);
      assert.is(p.pageInfo.endCursor, p.edges.at(-1)!.cursor);
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    assert.equal(forwards, all, 'forwards: every event once, in list order');
    assert.equal(flags, [
      [false, true],
      [true, true],
      [true, false],
    ]);

    const backwards: string[][] = [];
    let before: string | null = null;
    flags.length = 0;
    for (let n = 0; n < 10; n++) {
      const p: Page = await page({ last: 4, before });
      backwards.unshift(p.edges.map((e) => e.node.id));
      flags.push([p.pageInfo.hasPreviousPage, p.pageInfo.hasNextPage]);
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    assert.equal(backwards.flat(), all, 'backwards: every event once, and each page still in list order');
    assert.equal(
      backwards.map((b) => b.length),
      [3, 4, 4],
      'the short page is the first one',
    );
    assert.equal(flags, [
      [true, false],
      [true, true],
      [false, true],
    ]);

    const middle = await page({ first: 3, after: (await page({ first: 2 })).pageInfo.endCursor });
    const back = await page({ last: 2, before: middle.pageInfo.startCursor });
    assert.equal(
      back.edges.map((e) => e.node.id),
      all.slice(0, 2),
      'last/before from a page returns the page before it',
    );
    assert.is(back.pageInfo.hasNextPage, true);

    const both = await t.gql(PAGE, { first: 2, last: 2 });
    assert.is(both.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const tooMany = await t.gql(`{ usageEvents(last: 501) { totalCount } usageSettings { consent } }`);
    assert.is(tooMany.errors?.[0]?.extensions?.field, 'last');
    assert.equal(tooMany.data, { usageEvents: null, usageSettings: { consent: 'UNDECIDED' } }, 'a bad argument nulls only its own field');
    const foreign = await t.gql(PAGE, { before: Buffer.from('[1,"x"]').toString('base64url') });
    assert.is(foreign.errors?.[0]?.extensions?.field, 'before');
  });

  test('submissions is a connection that pages both ways', async ({ t }) => {
    // Each opt-out cancels the pending report, so the next day builds a new one.
    for (let i = 0; i < 5; i++) {
      await t.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
      t.clock.advance(DAY_MS);
      await t.ok(`mutation { submitUsageReport { submission { id } } }`);
      await t.ok(`mutation { optOutUsageStatistics { usageSettings { consent } } }`);
    }
    const Q = `query($first: Int, $after: String, $last: Int, $before: String) { submissions(first: $first, after: $after, last: $last, before: $before) {
      totalCount edges { node { id status periodEnd } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    type Submissions = { submissions: { totalCount: number; edges: { node: { id: string; status: string; periodEnd: string } }[]; pageInfo: PageInfo } | null };
    const all = (await t.ok<Submissions>(Q, { first: 100 })).submissions!;
    assert.is(all.totalCount, 5);
    const ends = all.edges.map((e) => e.node.periodEnd);
    assert.equal(ends, [...ends].sort().reverse(), 'newest period first');
    const first = (await t.ok<Submissions>(Q, { first: 2 })).submissions!;
    const second = (await t.ok<Submissions>(Q, { first: 2, after: first.pageInfo.endCursor })).submissions!;
    const back = (await t.ok<Submissions>(Q, { last: 2, before: second.pageInfo.startCursor })).submissions!;
    assert.equal(back.edges, first.edges);
    assert.equal([back.pageInfo.hasPreviousPage, back.pageInfo.hasNextPage], [false, true]);
    const tail = (await t.ok<Submissions>(Q, { last: 1 })).submissions!;
    assert.equal(tail.edges, all.edges.slice(-1));
  });

  test('Date fields answer YYYY-MM-DD; a bad Date input is BAD_USER_INPUT', async ({ t }) => {
    await t.ok(RECORD_MANY, {
      events: [
        { type: 'JOB_COMPLETED', occurredAt: '2026-11-26T23:59:59.999Z' },
        { type: 'JOB_FAILED', occurredAt: '2026-11-27T00:00:00Z' },
      ],
    });
    const Q = `query($from: Date!, $to: Date!) { dailyUsage(from: $from, to: $to) { date counts { type count } } }`;
    const days = (await t.ok<{ dailyUsage: { date: string; counts: { type: string; count: number }[] }[] | null }>(Q, { from: '2026-11-25', to: '2026-11-27' }))
      .dailyUsage;
    assert.equal(days, [
      { date: '2026-11-25', counts: [] },
      { date: '2026-11-26', counts: [{ type: 'JOB_COMPLETED', count: 1 }] },
      { date: '2026-11-27', counts: [{ type: 'JOB_FAILED', count: 1 }] },
    ]);
    await t.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
    assert.match(
      (await t.ok<{ reportPreview: { installation: { firstSeenOn: string } } }>(`{ reportPreview { installation { firstSeenOn } } }`)).reportPreview
        .installation.firstSeenOn,
      /^2026-11-28$/,
    );

    for (const bad of ['2026-13-01', '2026-11-31', '2026-11-25T00:00:00Z', '25.11.2026']) {
      const res = await t.gql(Q, { from: bad, to: '2026-11-27' });
      assert.is(res.status, 400, bad);
      assert.is(res.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', bad);
    }
    const literal = await t.gql(`{ dailyUsage(from: "2026-02-30", to: "2026-03-01") { date } }`);
    assert.is(literal.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', 'a bad literal fails validation');
    const reversed = await t.gql(`{ dailyUsage(from: "2026-11-27", to: "2026-11-25") { date } usageSettings { consent } }`);
    assert.is(reversed.errors?.[0]?.extensions?.field, 'from');
    assert.equal(reversed.data, { dailyUsage: null, usageSettings: { consent: 'GRANTED' } });
    const long = await t.gql(`{ dailyUsage(from: "2025-01-01", to: "2026-01-02") { date } }`);
    assert.is(long.errors?.[0]?.extensions?.field, 'to', '367 days are too many');
  });

  test('the export is a query', async ({ t }) => {
    await t.ok(RECORD_MANY, { events: [{ type: 'APP_START' }] });
    const e = (
      await t.ok<{ exportUsageData: { exportVersion: string; events: { type: string }[]; submissions: { id: string }[] } }>(
        `query { exportUsageData { exportVersion events { type } submissions { id } } }`,
      )
    ).exportUsageData;
    assert.equal(e, { exportVersion: '1', events: [{ type: 'APP_START' }], submissions: [] });
    const asMutation = await t.gql(`mutation { exportUsageData { exportVersion } }`);
    assert.is(asMutation.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  });

  if (db === 'sqlite') {
    test("GraphiQL's default query runs without errors", async ({ t }) => {
      const html = await (await t.app.yoga.fetch('http://test/graphql', { headers: { accept: 'text/html' } })).text();
      const literal = /"defaultQuery":("(?:[^"\\]|\\.)*")/.exec(html)?.[1];
      assert.ok(literal, 'the GraphiQL page carries a default query');
      const query = JSON.parse(literal) as string;
      assert.match(query, /query Overview/);
      assert.equal((await t.gql(query)).errors, undefined);
    });
  }

  test.run();
}
