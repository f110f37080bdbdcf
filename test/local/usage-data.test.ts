import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { DeletionRequest } from '../../src/entities/deletion-request.entity.js';
import { Submission } from '../../src/entities/submission.entity.js';
import { UptimeSession } from '../../src/entities/uptime-session.entity.js';
import { UsageEvent } from '../../src/entities/usage-event.entity.js';
import { UsageSettings } from '../../src/entities/usage-settings.entity.js';
import { applyRetention } from '../../src/jobs/retention.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKinds } from '../helpers/databases.js';

const RECORD_MANY = `mutation($inputs: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $inputs }) { recordedCount } }`;
const EXPORT = `query { exportUsageData { exportedAt exportVersion settings events { id type occurredAt metadata reportId } submissions { id status payload } } }`;
const DELETE = `mutation($remote: Boolean) { deleteUsageData(input: { deleteRemoteData: $remote }) { deletedEventCount deletedSubmissionCount remoteDeletion } }`;
const OPT_IN = `mutation { optInUsageStatistics { usageSettings { installationId } } }`;

interface Exported {
  exportUsageData: {
    exportedAt: string;
    exportVersion: string;
    settings: { consent: string; hasInstallationSecret: boolean; [key: string]: unknown };
    events: { id: string; type: string; occurredAt: string; metadata: Record<string, unknown>; reportId: string | null }[];
    submissions: { id: string; status: string; payload: unknown }[];
  };
}
/** The body of GET /usage-data/export, as far as the test reads it. */
interface ExportBody {
  events: { id: string }[];
  submissions: unknown[];
  settings: Record<string, unknown>;
}
type Deleted = { deleteUsageData: { deletedEventCount: number; deletedSubmissionCount: number; remoteDeletion: string } | null };
type OptedIn = { optInUsageStatistics: { usageSettings: { installationId: string | null } } | null };

async function addSubmission(t: TestApp, status: 'SENT' | 'PENDING', periodEnd: string) {
  const em = t.app.orm.em.fork();
  const sub = em.create(Submission, {
    id: crypto.randomUUID(),
    status,
    periodStart: new Date(new Date(periodEnd).getTime() - 7 * 86_400_000),
    periodEnd: new Date(periodEnd),
    createdAt: new Date(periodEnd),
    sentAt: status === 'SENT' ? new Date(periodEnd) : null,
    attempts: 1,
    nextAttemptAt: null,
    lastError: null,
    duplicate: false,
    payload: { reportId: 'x', usage: { jobsCompleted: 1 } },
  });
  await em.flush();
  return sub.id;
}

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestApp }>(`export and delete [${db}]`);
  test.before.each(async (ctx) => {
    ctx.t = await createTestApp({ db, now: '2026-11-28T12:00:00Z' });
  });
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('exportUsageData holds settings without the secret, every event and every report', async ({ t }) => {
    await t.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
    await t.ok(RECORD_MANY, {
      inputs: [
        { type: 'JOB_COMPLETED', durationSeconds: 120 },
        { type: 'FEATURE_ENABLED', feature: 'library' },
      ],
    });
    const subId = await addSubmission(t, 'SENT', '2026-11-21T00:00:00Z');
    const e = (await t.ok<Exported>(EXPORT)).exportUsageData;
    assert.is(e.exportVersion, '1');
    assert.is(e.settings.consent, 'GRANTED');
    assert.is(e.settings.hasInstallationSecret, true);
    const secret = (await t.app.orm.em.fork().findOneOrFail(UsageSettings, { id: 1 })).installationSecret!;
    assert.not.ok(JSON.stringify(e).includes(secret), 'the secret never appears');
    assert.equal(
      e.events.map((x) => x.type),
      ['JOB_COMPLETED', 'FEATURE_ENABLED'],
    );
    assert.equal(e.events[0].metadata, { durationMinutes: 2 });
    assert.equal(e.submissions, [{ id: subId, status: 'SENT', payload: { reportId: 'x', usage: { jobsCompleted: 1 } } }]);
  });

  test('GET /usage-data/export streams the same data as an attachment', async ({ t }) => {
    await t.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
    for (let i = 0; i < 3; i++) {
      await t.ok(RECORD_MANY, { inputs: Array.from({ length: 1000 }, (_, j) => ({ type: 'FILE_UPLOADED', fileSizeBytes: i * 1000 + j })) });
    }
    await addSubmission(t, 'SENT', '2026-11-21T00:00:00Z');
    const res = await t.app.yoga.fetch('http://test/usage-data/export');
    assert.is(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="printernizer-usage-data-2026-11-28\.json"$/);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    let chunks = 0;
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      chunks++;
      text += decoder.decode(chunk, { stream: true });
    }
    assert.ok(chunks >= 5, `written in pages (${chunks} chunks)`);
    const body = JSON.parse(text) as ExportBody;
    assert.is(body.events.length, 3000);
    assert.is(new Set(body.events.map((e) => e.id)).size, 3000);
    assert.is(body.submissions.length, 1);
    assert.is(body.settings.hasInstallationSecret, true);
    assert.not.ok('installationSecret' in body.settings);
  });

  test('deleteUsageData removes everything and resets the identity', async ({ t }) => {
    const id = (await t.ok<OptedIn>(OPT_IN)).optInUsageStatistics!.usageSettings.installationId;
    await t.app.uptime.start();
    await t.ok(RECORD_MANY, { inputs: [{ type: 'JOB_CREATED' }, { type: 'JOB_COMPLETED' }] });
    await addSubmission(t, 'SENT', '2026-11-21T00:00:00Z');
    const d = (await t.ok<Deleted>(DELETE)).deleteUsageData;
    assert.equal(d, { deletedEventCount: 3, deletedSubmissionCount: 1, remoteDeletion: 'NOT_REQUESTED' });
    const em = t.app.orm.em.fork();
    assert.is(await em.count(UsageEvent, {}), 0);
    assert.is(await em.count(Submission, {}), 0);
    assert.is(await em.count(UptimeSession, {}), 0);
    const s = (
      await t.ok<{ usageSettings: { consent: string; installationId: string | null; enabled: boolean } }>(
        `{ usageSettings { consent installationId enabled } }`,
      )
    ).usageSettings;
    assert.equal(s, { consent: 'UNDECIDED', installationId: null, enabled: false });
    const next = (await t.ok<OptedIn>(OPT_IN)).optInUsageStatistics!.usageSettings.installationId;
    assert.is.not(next, id, 'a new opt-in gets a new id');
    await t.app.uptime.beat();
    assert.is(await t.app.orm.em.fork().count(UptimeSession, {}), 1, 'the running session starts afresh');
  });

  test('deleteUsageData with deleteRemoteData queues a deletion for the old identity', async ({ t }) => {
    const id = (await t.ok<OptedIn>(OPT_IN)).optInUsageStatistics!.usageSettings.installationId;
    const d = (await t.ok<Deleted>(DELETE, { remote: true })).deleteUsageData;
    assert.is(d?.remoteDeletion, 'QUEUED');
    const [req] = await t.app.orm.em.fork().find(DeletionRequest, {});
    assert.is(req.installationId, id);
    assert.is(req.status, 'QUEUED');
  });

  test('retention deletes old events only once a sent report counted them', async ({ t }) => {
    const sent = await addSubmission(t, 'SENT', '2025-06-01T00:00:00Z');
    const pending = await addSubmission(t, 'PENDING', '2025-06-08T00:00:00Z');
    await t.ok(RECORD_MANY, {
      inputs: [
        { type: 'JOB_COMPLETED', occurredAt: '2025-05-28T00:00:00Z' },
        { type: 'JOB_COMPLETED', occurredAt: '2025-06-03T00:00:00Z' },
        { type: 'JOB_COMPLETED', occurredAt: '2025-06-04T00:00:00Z' },
        { type: 'JOB_COMPLETED', occurredAt: '2026-11-01T00:00:00Z' },
      ],
    });
    const em = t.app.orm.em.fork();
    const rows = await em.find(UsageEvent, {}, { orderBy: { occurredAt: 'asc' } });
    await em.nativeUpdate(UsageEvent, { id: rows[0].id }, { reportId: sent });
    await em.nativeUpdate(UsageEvent, { id: rows[1].id }, { reportId: pending });
    const removed = await applyRetention(t.app.orm.em.fork(), t.clock.now(), 365);
    assert.is(removed.events, 1);
    const left = await t.app.orm.em.fork().find(UsageEvent, {}, { orderBy: { occurredAt: 'asc' } });
    assert.equal(
      left.map((e) => e.occurredAt.toISOString().slice(0, 10)),
      ['2025-06-03', '2025-06-04', '2026-11-01'],
      'pending and never reported events stay, whatever their age',
    );
  });

  test.run();
}
