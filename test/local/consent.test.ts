import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { DeletionRequest } from '../../src/entities/deletion-request.entity.js';
import { UsageSettings } from '../../src/entities/usage-settings.entity.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKinds } from '../helpers/databases.js';

const SETTINGS = `{ usageSettings { consent enabled blockedBy installationId shareCountry consentedSchemaVersion currentSchemaVersion needsReconsent submissionIntervalDays lastSubmissionAt endpoint } }`;
const OPT_IN = `mutation($share: Boolean) { optInUsageStatistics(input: { shareCountry: $share }) { usageSettings { consent enabled installationId shareCountry consentedSchemaVersion needsReconsent } } }`;
const OPT_OUT = `mutation($del: Boolean) { optOutUsageStatistics(input: { deleteRemoteData: $del }) { usageSettings { consent enabled installationId } } }`;
type Consent = 'UNDECIDED' | 'GRANTED' | 'DENIED';
interface SettingsData {
  usageSettings: {
    consent: Consent;
    enabled: boolean;
    blockedBy: 'DO_NOT_TRACK' | 'PRINTERNIZER_STATS_DISABLED' | null;
    installationId: string | null;
    shareCountry: boolean;
    consentedSchemaVersion: number | null;
    currentSchemaVersion: number;
    needsReconsent: boolean;
    submissionIntervalDays: number;
    lastSubmissionAt: string | null;
    endpoint: string;
  };
}
interface OptInData {
  optInUsageStatistics: {
    usageSettings: {
      consent: Consent;
      enabled: boolean;
      installationId: string | null;
      shareCountry: boolean;
      consentedSchemaVersion: number | null;
      needsReconsent: boolean;
    };
  } | null;
}
interface OptOutData {
  optOutUsageStatistics: { usageSettings: { consent: Consent; enabled: boolean; installationId: string | null } } | null;
}
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestApp }>(`consent [${db}]`);
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test('statistics are undecided and off by default', async (ctx) => {
    ctx.t = await createTestApp({ db });
    const s = (await ctx.t.ok<SettingsData>(SETTINGS)).usageSettings;
    assert.equal(s, {
      consent: 'UNDECIDED',
      enabled: false,
      blockedBy: null,
      installationId: null,
      shareCountry: true,
      consentedSchemaVersion: null,
      currentSchemaVersion: 1,
      needsReconsent: false,
      submissionIntervalDays: 7,
      lastSubmissionAt: null,
      endpoint: 'https://stats.printernizer.com/graphql',
    });
  });

  test('opting in creates one identity and keeps it; opting out denies', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    const first = (await t.ok<OptInData>(OPT_IN, { share: false })).optInUsageStatistics!.usageSettings;
    assert.is(first.consent, 'GRANTED');
    assert.is(first.enabled, true);
    assert.is(first.shareCountry, false);
    assert.is(first.consentedSchemaVersion, 1);
    assert.match(first.installationId ?? '', UUID_V4);
    const row = await t.app.orm.em.fork().findOneOrFail(UsageSettings, { id: 1 });
    assert.is(Buffer.from(row.installationSecret!, 'base64url').length, 32, 'a 32-byte secret');
    assert.ok(row.submissionSecondOfDay! >= 0 && row.submissionSecondOfDay! < 86_400, 'a time of day for submissions');
    assert.is(row.firstSeenOn, '2026-11-28');

    const out = (await t.ok<OptOutData>(OPT_OUT)).optOutUsageStatistics!.usageSettings;
    assert.equal(out, { consent: 'DENIED', enabled: false, installationId: first.installationId });
    const again = (await t.ok<OptInData>(OPT_IN)).optInUsageStatistics!.usageSettings;
    assert.is(again.installationId, first.installationId, 'the identity survives an opt-out without deletion');
    const secret = (await t.app.orm.em.fork().findOneOrFail(UsageSettings, { id: 1 })).installationSecret;
    assert.is(secret, row.installationSecret);
  });

  for (const variable of ['DO_NOT_TRACK', 'PRINTERNIZER_STATS_DISABLED']) {
    test(`${variable}=1 keeps statistics off whatever the consent`, async (ctx) => {
      const t = (ctx.t = await createTestApp({ db, env: { [variable]: '1' } }));
      const s = (await t.ok<OptInData>(OPT_IN)).optInUsageStatistics!.usageSettings;
      assert.is(s.consent, 'GRANTED', 'the choice is recorded');
      assert.is(s.enabled, false);
      assert.is((await t.ok<SettingsData>(SETTINGS)).usageSettings.blockedBy, variable, 'the variable that is set, as an enum value');
    });
  }

  test('needsReconsent when the report schema is newer than the consent', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    await t.ok<OptInData>(OPT_IN);
    await t.app.orm.em.fork().nativeUpdate(UsageSettings, { id: 1 }, { consentedSchemaVersion: 0 });
    assert.is((await t.ok<SettingsData>(SETTINGS)).usageSettings.needsReconsent, true);
    assert.is((await t.ok<OptInData>(OPT_IN)).optInUsageStatistics!.usageSettings.needsReconsent, false, 'opting in again records the new version');
  });

  test('opting out with deleteRemoteData queues a deletion and forgets the identity', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    const id = (await t.ok<OptInData>(OPT_IN)).optInUsageStatistics!.usageSettings.installationId;
    const out = (await t.ok<OptOutData>(OPT_OUT, { del: true })).optOutUsageStatistics!.usageSettings;
    assert.is(out.installationId, null);
    const rows = await t.app.orm.em.fork().find(DeletionRequest, {});
    assert.is(rows.length, 1);
    assert.is(rows[0].installationId, id);
    const next = (await t.ok<OptInData>(OPT_IN)).optInUsageStatistics!.usageSettings.installationId;
    assert.match(next ?? '', UUID_V4);
    assert.is.not(next, id, 'a new opt-in gets a new id');
  });

  test('bad arguments are refused with a code', async (ctx) => {
    const t = (ctx.t = await createTestApp({ db }));
    const res = await t.gql(`mutation { optInUsageStatistics(input: { shareCountry: "yes" }) { usageSettings { consent } } }`);
    assert.is(res.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.is((await t.ok<SettingsData>(SETTINGS)).usageSettings.consent, 'UNDECIDED');
  });

  test.run();
}
