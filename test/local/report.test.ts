import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { Submission } from '../../src/entities/submission.entity.js';
import { UsageEvent } from '../../src/entities/usage-event.entity.js';
import { PLACEHOLDER_ID } from '../../src/report/builder.js';
import { REPORT_FIELDS, usageReportSchema, type DeploymentMode, type Platform, type ReportField, type UsageReport } from '../../common/report/contract.js';
import { countryFromTimeZone, detectDeploymentMode, type HostProbe } from '../../src/services/installation.js';
import { createTestApp, plainHost, type TestApp } from '../helpers/app.js';
import { testDatabaseKinds } from '../helpers/databases.js';

const RECORD_MANY = `mutation($inputs: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $inputs }) { recordedCount } }`;
const PREVIEW = `{ reportPreview { json reportId period { start end days } installation { installationId countryCode platform deploymentMode firstSeenOn } } }`;
const EXPORT = `{ exportUsageData { settings events { id reportId } submissions { id } } }`;

interface PreviewData {
  reportPreview: {
    json: UsageReport;
    reportId: string;
    period: { start: string; end: string; days: number };
    installation: { installationId: string; countryCode: string | null; platform: Platform; deploymentMode: DeploymentMode; firstSeenOn: string };
  };
}
interface ExportData {
  exportUsageData: { settings: unknown; events: { id: string; reportId: string | null }[]; submissions: { id: string }[] };
}
const at = (occurredAt: string, type: string, extra: Record<string, unknown> = {}) => ({ type, occurredAt, ...extra });

const units = suite('report helpers');
units('country comes from the time zone, null when unknown, locationless or shared', () => {
  const cases: [string | null, string | null][] = [
    ['Europe/Berlin', 'DE'],
    ['Europe/Copenhagen', 'DK'],
    ['Europe/Zurich', 'CH'],
    ['America/New_York', 'US'],
    ['America/Phoenix', 'US'],
    ['Asia/Calcutta', 'IN'],
    ['Europe/Kiev', 'UA'],
    ['UTC', null],
    ['Etc/GMT+1', null],
    ['CET', null],
    ['Mars/Olympus_Mons', null],
    [null, null],
  ];
  for (const [zone, country] of cases) assert.is(countryFromTimeZone(zone), country, String(zone));
});
units('deployment mode is detected from the host', () => {
  const host = (over: Partial<HostProbe>): HostProbe => ({ ...plainHost, ...over });
  assert.is(detectDeploymentMode(host({ env: { SUPERVISOR_TOKEN: 'x' }, exists: (p) => p === '/.dockerenv' })), 'HOME_ASSISTANT');
  assert.is(detectDeploymentMode(host({ exists: (p) => p === '/.dockerenv' })), 'DOCKER');
  assert.is(detectDeploymentMode(host({ read: (p) => (p === '/proc/1/cgroup' ? '0::/system.slice/containerd.service' : null) })), 'DOCKER');
  assert.is(detectDeploymentMode(host({ read: (p) => (p === '/proc/device-tree/model' ? 'Raspberry Pi 5 Model B Rev 1.0\0' : null) })), 'RASPBERRY_PI');
  assert.is(detectDeploymentMode(plainHost), 'STANDALONE');
});
units('every report field has a path, a version and a description', () => {
  assert.ok(REPORT_FIELDS.length >= 20);
  for (const f of REPORT_FIELDS) assert.ok(f.path && f.since >= 1 && f.description.length > 10, f.path);
});
units.run();

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestApp }>(`report preview [${db}]`);
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('before opt-in: placeholder ids, the first period, installation facts', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db, now: '2026-11-28T12:00:00Z' }));
    const r = (await t.ok<PreviewData>(PREVIEW)).reportPreview;
    assert.is(r.reportId, PLACEHOLDER_ID);
    assert.equal(r.period, { start: '2026-11-21T00:00:00.000Z', end: '2026-11-28T00:00:00.000Z', days: 7 });
    assert.equal(r.installation, {
      installationId: PLACEHOLDER_ID,
      countryCode: 'DE',
      platform: 'LINUX',
      deploymentMode: 'STANDALONE',
      firstSeenOn: '2026-11-28',
    });
    assert.equal(Object.keys(r.json), ['reportId', 'schemaVersion', 'installation', 'period', 'fleet', 'usage', 'features', 'errors']);
    assert.equal(r.json.fleet, { printerCount: 0, printerTypes: [], partial: false });
  });

  test('counts match the recorded events exactly, by SQL over the period', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db, now: '2026-11-28T12:00:00Z', env: { USAGE_STATS_SUBMISSION_INTERVAL_DAYS: '7' } }));
    await t.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
    await t.ok(RECORD_MANY, {
      inputs: [
        at('2026-11-20T23:59:59.999Z', 'JOB_COMPLETED'), // before the first period: never sent
        at('2026-11-21T00:00:00Z', 'JOB_COMPLETED'), // start is inclusive
        at('2026-11-22T10:00:00Z', 'JOB_CREATED', { autoCreated: true }),
        at('2026-11-22T11:00:00Z', 'JOB_CREATED'),
        at('2026-11-22T12:00:00Z', 'JOB_FAILED', { durationSeconds: 60 }),
        at('2026-11-23T12:00:00Z', 'JOB_CANCELLED'),
        at('2026-11-23T13:00:00Z', 'FILE_DOWNLOADED', { fileSizeBytes: 10 }),
        at('2026-11-24T13:00:00Z', 'FILE_UPLOADED', { fileSizeBytes: 10 }),
        at('2026-11-24T14:00:00Z', 'FILE_UPLOADED', { fileSizeBytes: 20 }),
        at('2026-11-25T14:00:00Z', 'APP_START'),
        at('2026-11-25T15:00:00Z', 'PRINTER_CONNECTED', { printerType: 'prusa' }),
        at('2026-11-26T15:00:00Z', 'ERROR_OCCURRED', { errorType: 'timeout', component: 'mqtt' }),
        at('2026-11-26T16:00:00Z', 'ERROR_OCCURRED', { errorType: 'timeout', component: 'mqtt' }),
        at('2026-11-26T17:00:00Z', 'ERROR_OCCURRED', { errorType: 'auth_failed' }),
        at('2026-11-10T00:00:00Z', 'FEATURE_ENABLED', { feature: 'library' }), // state carries over from before
        at('2026-11-22T00:00:00Z', 'FEATURE_ENABLED', { feature: 'timelapse' }),
        at('2026-11-27T00:00:00Z', 'FEATURE_DISABLED', { feature: 'timelapse' }),
        at('2026-11-27T23:59:59.999Z', 'JOB_COMPLETED'),
        at('2026-11-28T00:00:00Z', 'JOB_COMPLETED'), // end is exclusive: next report
        at('2026-11-28T00:00:00Z', 'FEATURE_ENABLED', { feature: 'timelapse' }), // after the end: not yet
      ],
    });
    const r = (await t.ok<PreviewData>(PREVIEW)).reportPreview.json;
    assert.equal(r.usage, {
      jobsCreated: 2,
      jobsCompleted: 2,
      jobsFailed: 1,
      jobsCancelled: 1,
      filesDownloaded: 1,
      filesUploaded: 2,
      appStarts: 1,
      uptimeHours: 0,
    });
    assert.equal(r.features, [
      { feature: 'library', enabled: true },
      { feature: 'timelapse', enabled: false },
    ]);
    assert.equal(r.errors, [
      { errorType: 'timeout', component: 'mqtt', count: 2 },
      { errorType: 'auth_failed', component: null, count: 1 },
    ]);
    const parsed = usageReportSchema.safeParse({ ...r, reportId: crypto.randomUUID() });
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
  });

  test('a later report starts at the previous end and picks up late events, never counted ones', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db, now: '2026-11-28T12:00:00Z' }));
    t.clock.set('2026-11-10T09:00:00Z');
    await t.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`); // floor: 2026-11-03
    t.clock.set('2026-11-28T12:00:00Z');
    await t.ok(RECORD_MANY, {
      inputs: [
        at('2026-11-01T10:00:00Z', 'JOB_COMPLETED'), // before the floor
        at('2026-11-12T10:00:00Z', 'JOB_COMPLETED'), // counted in the earlier report
        at('2026-11-13T10:00:00Z', 'JOB_COMPLETED'), // recorded late: not in the earlier report
        at('2026-11-25T10:00:00Z', 'JOB_COMPLETED'),
      ],
    });
    const em = t.app.orm.em.fork();
    em.create(Submission, {
      id: crypto.randomUUID(),
      status: 'SENT',
      periodStart: new Date('2026-11-03T00:00:00Z'),
      periodEnd: new Date('2026-11-20T00:00:00Z'),
      createdAt: new Date('2026-11-20T09:00:00Z'),
      sentAt: new Date('2026-11-20T09:00:01Z'),
      attempts: 1,
      nextAttemptAt: null,
      lastError: null,
      duplicate: false,
      payload: {},
    });
    await em.flush();
    const [counted] = await em.find(UsageEvent, { occurredAt: new Date('2026-11-12T10:00:00Z') });
    const sub = await em.findOneOrFail(Submission, { status: 'SENT' });
    await em.nativeUpdate(UsageEvent, { id: counted.id }, { reportId: sub.id });

    const r = (await t.ok<PreviewData>(PREVIEW)).reportPreview;
    assert.equal(r.period, { start: '2026-11-20T00:00:00.000Z', end: '2026-11-28T00:00:00.000Z', days: 8 });
    assert.is(r.json.usage.jobsCompleted, 2, 'the late event and the new one');
    assert.is(r.installation.firstSeenOn, '2026-11-10');
  });

  test('preview changes nothing and sends nothing', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    await t.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
    await t.ok(RECORD_MANY, { inputs: [at('2026-11-25T10:00:00Z', 'JOB_COMPLETED')] });
    const before = JSON.stringify((await t.ok<ExportData>(EXPORT)).exportUsageData);
    const a = (await t.ok<PreviewData>(PREVIEW)).reportPreview;
    const b = (await t.ok<PreviewData>(PREVIEW)).reportPreview;
    assert.equal(a, b, 'previewing twice gives the same report');
    const after = JSON.stringify((await t.ok<ExportData>(EXPORT)).exportUsageData);
    assert.is(after, before);
  });

  test('country can be withheld, is null for UTC, and the deployment mode can be overridden', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db, env: { TZ: 'UTC', DEPLOYMENT_MODE: 'home_assistant' } }));
    const r = (await t.ok<PreviewData>(PREVIEW)).reportPreview.installation;
    assert.is(r.countryCode, null);
    assert.is(r.deploymentMode, 'HOME_ASSISTANT');
    await t.close();
    const u = (ctx.t = await createTestApp({ db, env: { TZ: 'America/Chicago' } }));
    await u.ok(`mutation { optInUsageStatistics(input: { shareCountry: false }) { usageSettings { consent } } }`);
    assert.is((await u.ok<PreviewData>(PREVIEW)).reportPreview.installation.countryCode, null);
    await u.ok(`mutation { optInUsageStatistics(input: { shareCountry: true }) { usageSettings { consent } } }`);
    assert.is((await u.ok<PreviewData>(PREVIEW)).reportPreview.installation.countryCode, 'US');
  });

  test('reportSchema lists every field with its version', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    const fields = (await t.ok<{ reportSchema: ReportField[] }>(`{ reportSchema { path since description } }`)).reportSchema;
    assert.equal(fields, [...REPORT_FIELDS]);
  });

  test.run();
}
