import { randomUUID } from 'node:crypto';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import {
  defineReportContract,
  REPORT_FIELDS,
  reportContract,
  reportFieldsSchema,
  usageCountsSchema,
  type ReportField,
  type UsageReport,
} from '../../common/report/contract.js';
import { loadSettings } from '../../src/services/settings.js';
import { createPair, type Pair } from '../e2e/harness.js';
import { testDatabaseKinds } from '../helpers/databases.js';

/** A field as a version 2 would add it: optional in the schema, `since: 2` in the table. */
const PRINT_HOURS: ReportField = { path: 'usage.printHours', since: 2, description: 'Hours spent printing during the period.' };
type V2Report = UsageReport & { usage: { printHours?: number } };
const v2Schema = reportFieldsSchema.extend({ usage: usageCountsSchema.extend({ printHours: z.number().int().min(0).optional() }) });
const v2 = defineReportContract<V2Report>(v2Schema, [...REPORT_FIELDS, PRINT_HOURS]);

/** What a version-2 build produces before it is fitted to the consent: every field the code knows. */
const builtByV2 = (r: UsageReport): V2Report => ({ ...r, schemaVersion: 2, usage: { ...r.usage, printHours: 5 } });

function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

const units = suite('report contract versions');
units('the contract built from the table: the newest since is the current version', () => {
  assert.is(reportContract.version, 1);
  assert.equal([...reportContract.supportedVersions], [1]);
  assert.is(v2.version, 2);
  assert.equal([...v2.supportedVersions], [1, 2]);
});
units('a field added after version 1 must be optional in the schema, and every table field must exist', () => {
  const required = reportFieldsSchema.extend({ usage: usageCountsSchema.extend({ printHours: z.number().int() }) });
  assert.throws(() => defineReportContract(required, [...REPORT_FIELDS, PRINT_HOURS]), /usage\.printHours \(since 2\) must be optional/);
  assert.throws(
    () => defineReportContract(reportFieldsSchema, [...REPORT_FIELDS, PRINT_HOURS]),
    /usage\.printHours is in the field table but not in the schema/,
  );
});
units.run();

for (const db of await testDatabaseKinds()) {
  const test = suite<{ p: Pair; report: UsageReport }>(`report versions [${db}]`);
  test.before.each(async (ctx) => {
    ctx.p = await createPair(db, { now: '2026-11-28T12:00:00.000Z' });
    await ctx.p.local.ok(`mutation { optInUsageStatistics { usageSettings { consentedSchemaVersion } } }`);
    await ctx.p.local.ok(`mutation($i: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $i }) { recordedCount } }`, {
      i: [
        { type: 'JOB_COMPLETED', occurredAt: '2026-11-25T10:00:00Z' },
        { type: 'APP_START', occurredAt: '2026-11-26T10:00:00Z' },
      ],
    });
    ctx.report = (await ctx.p.local.ok<{ reportPreview: { json: UsageReport } }>(`{ reportPreview { json } }`)).reportPreview.json;
  });
  test.after.each(async (ctx) => {
    await ctx.p.close();
  });

  test('consented to version 1: the version-2 build is fitted to a version-1 report, which is what is sent and accepted', async ({ p, report }) => {
    const fitted = v2.fit(builtByV2(report), 1);
    assert.is(fitted.schemaVersion, 1, 'it states the version whose fields it carries');
    assert.not.ok('printHours' in fitted.usage);
    assert.equal(fitted, report, 'exactly the report the version-1 code builds');
    assert.ok(v2.schema.safeParse(fitted).success, 'a version-2 aggregator accepts it');
    assert.ok(reportContract.schema.safeParse(fitted).success, 'a version-1 aggregator accepts it');
    type Submitted = { submitUsageReport: { submission: { status: string; payload: UsageReport } } };
    const sub = (await p.local.ok<Submitted>(`mutation { submitUsageReport { submission { status payload } } }`)).submitUsageReport.submission;
    assert.is(sub.status, 'SENT');
    assert.equal({ ...sub.payload, reportId: report.reportId }, fitted);
    const { installationSecret } = await loadSettings(p.local.app.orm.em.fork());
    const again = await p.aggregator.submit({ ...fitted, reportId: randomUUID() }, { secret: installationSecret! });
    assert.equal(again.errors, undefined, 'the aggregator takes the fitted report as it is');
  });

  test('consented to version 2: the report carries the new field and is accepted', ({ report }) => {
    const fitted = v2.fit(builtByV2(report), 2);
    assert.is(fitted.schemaVersion, 2);
    assert.is(fitted.usage.printHours, 5);
    assert.equal(issues(v2.schema.safeParse(fitted)), []);
    assert.equal(v2.fit(builtByV2(report), null).schemaVersion, 2, 'before any consent, a preview shows what opting in agrees to');
    assert.equal(v2.fit(builtByV2(report), 7).schemaVersion, 2, 'never a version newer than the code');
  });

  test('the contract refuses a version-1 report carrying a version-2 field, and a version-2 report without it', ({ report }) => {
    const v1WithNewField = { ...report, usage: { ...report.usage, printHours: 5 } };
    assert.equal(issues(v2.schema.safeParse(v1WithNewField)), ['usage.printHours: is not part of schema version 1 (it was added in version 2)']);
    assert.equal(issues(v2.schema.safeParse({ ...report, schemaVersion: 2 })), ['usage.printHours: is required from schema version 2 on']);
    assert.equal(
      issues(reportContract.schema.safeParse({ ...report, schemaVersion: 2 })),
      ['schemaVersion: must be one of 1'],
      'today’s contract knows version 1 only',
    );
  });

  test.run();
}
