import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import {
  ADMIN_KEY,
  API_KEY,
  createTestAggregator,
  DELETE,
  deletionOf,
  makeReport,
  secretFor,
  SUBMIT,
  type Response,
  type TestAggregator,
} from '../helpers/aggregator.js';

/**
 * Issue 9, defect 9: what the API reveals about whether an installation id exists, as the README's
 * Security section states it. Without the client key and an installation secret nothing tells a
 * known id from an unknown one; with them, only someone who already holds the random id learns
 * whether it has reported (trust on first use makes that unavoidable).
 */
const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
const security = readme.slice(readme.indexOf('\n## Security'), readme.indexOf('\n## ', readme.indexOf('\n## Security') + 5));

const test = suite<{ t: TestAggregator; known: string }>('security: what the answers reveal about an installation id');
test.before.each(async (ctx) => {
  ctx.t = await createTestAggregator({ db: 'sqlite' });
  const report = makeReport();
  ctx.known = report.installation.installationId;
  assert.is((await ctx.t.submit(report)).status, 200);
});
test.after.each(async (ctx) => {
  await ctx.t.close();
});

const answer = (r: Response) => JSON.stringify({ status: r.status, errors: r.errors, data: r.data });

test('the README Security section states what the contract reveals', () => {
  assert.match(security, /### What an installation id reveals/);
  assert.match(security, /trust on\s+first use/i);
  assert.match(security, /deleteInstallation/);
});

test('submitReport without a valid client key or without a secret: the same answer for a known and an unknown id', async ({ t, known }) => {
  const unknown = randomUUID();
  for (const headers of [
    {},
    { 'x-api-key': 'not-a-client-key-000000' },
    { 'x-api-key': API_KEY },
    { 'x-api-key': API_KEY, 'x-installation-secret': '' },
  ] as Record<string, string>[]) {
    const send = (id: string) =>
      t.gql(SUBMIT, { input: { ...makeReport({ installationId: id }), reportId: '00000000-0000-4000-8000-000000000000' } }, { headers });
    const [a, b] = [await send(known), await send(unknown)];
    assert.is(a.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    assert.is(answer(a), answer(b), JSON.stringify(headers));
  }
});

test('deleteInstallation without the secret or the admin key: the same answer for a known and an unknown id', async ({ t, known }) => {
  const unknown = randomUUID();
  for (const headers of [{}, { 'x-api-key': API_KEY }, { 'x-admin-key': 'not-the-admin-key-00000' }] as Record<string, string>[]) {
    const [a, b] = [await t.gql(DELETE, deletionOf(known), { headers }), await t.gql(DELETE, deletionOf(unknown), { headers })];
    assert.is(a.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.is(answer(a).replace(known, 'ID'), answer(b).replace(unknown, 'ID'), JSON.stringify(headers));
  }
});

test('with the client key and a secret, as documented: a known id with another secret is FORBIDDEN, an unknown one is bound', async ({ t, known }) => {
  const wrong = await t.submit(makeReport({ installationId: known }), { secret: 'someone-else-0123456789' });
  assert.is(wrong.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  const fresh = randomUUID();
  const bound = await t.submit(makeReport({ installationId: fresh }), { secret: 'whoever-comes-first-0123' });
  assert.is(bound.data?.submitReport?.installationId, fresh);
  const gone = await t.gql(DELETE, deletionOf(known), { headers: { 'x-installation-secret': 'someone-else-0123456789' } });
  assert.is(gone.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  const never = await t.gql(DELETE, deletionOf(randomUUID()), { headers: { 'x-installation-secret': 'someone-else-0123456789' } });
  assert.is(never.data && (never.data as { deleteInstallation: { deletedReports: number } }).deleteInstallation.deletedReports, 0);
  const owner = await t.gql(DELETE, deletionOf(known), { headers: { 'x-installation-secret': secretFor(known), 'x-admin-key': ADMIN_KEY } });
  assert.is(owner.status, 200);
});

test('no public answer carries an installation id', async ({ t, known }) => {
  const summary = await t.gql(
    '{ statsSummary { reportsAccepted installationsByCountry { key count } printersByModel { key count } installationsByAppVersion { key count } } health { status } }',
  );
  assert.is(summary.status, 200);
  assert.not.ok(JSON.stringify(summary).includes(known));
});

test.run();
