import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { makeReport, SUBMIT } from '../../aggregator/test/helpers/aggregator.js';
import { launchBrowser, testBrowserAvailable, type TestBrowser } from '../helpers/browser.js';
import { root } from '../helpers/build.js';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.js';
import { ADMIN_KEY, integer, percent, startBuiltAggregator, type RunningAggregator } from './harness.js';
import { seedFleet, type Seeded } from './seed.js';

interface Bucket {
  key: string;
  count: number;
  share: number;
}
interface Summary {
  statsSummary: {
    installationsEverReported: number;
    activeInstallations: number;
    printersByType: Bucket[];
    printersByModel: Bucket[];
    installationsByAppVersion: Bucket[];
    installationsByPlatform: Bucket[];
    installationsByDeploymentMode: Bucket[];
    installationsByCountry: Bucket[];
    featureAdoption: { feature: string; enabledInstallations: number; share: number }[];
    weekly: { weekStart: string; reportingInstallations: number }[];
  };
}
interface Trends {
  dashboard: {
    kAnonymity: number;
    weeks: { weekStart: string; complete: boolean; appVersions: Bucket[]; featureAdoption: { feature: string; share: number }[] }[];
    errorsByComponent: { component: string; errorType: string; occurrences: number }[];
  };
}
const B = '{ key count share }';
const SUMMARY = `{ statsSummary { installationsEverReported activeInstallations printersByType ${B} printersByModel ${B} installationsByAppVersion ${B}
  installationsByPlatform ${B} installationsByDeploymentMode ${B} installationsByCountry ${B} featureAdoption { feature enabledInstallations share }
  weekly(weeks: 12) { weekStart reportingInstallations } } }`;
const TRENDS = `{ dashboard(weeks: 12) { kAnonymity weeks { weekStart complete appVersions ${B} featureAdoption { feature share } } errorsByComponent { component errorType occurrences } } }`;
const STATES = `{ admin { installationsByState { state count } } }`;

/** The rows of the table under chart `id`, each cell's text. */
const tableOf = (page: Page, id: string) =>
  page.$$eval(`#${id} table[data-chart-table] tbody tr`, (rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').trim())));

const test = suite<{ db: TempDatabase; seeded: Seeded; agg: RunningAggregator; browser: TestBrowser }>(
  'dashboard page in Chromium (1,000 installations, 12 weeks)',
);

if (testBrowserAvailable()) {
  test.before(async (ctx) => {
    ctx.db = await createTempDatabase('sqlite');
    ctx.seeded = await seedFleet(ctx.db, 1000);
    ctx.agg = await startBuiltAggregator(ctx.db);
    ctx.browser = await launchBrowser();
  });
  test.after(async (ctx) => {
    await ctx.browser?.close();
    await ctx.agg?.stop();
    await ctx.db?.drop();
  });

  test('every chart’s table shows the numbers of statsSummary and dashboard, at desktop and phone width', async (ctx) => {
    const { agg, browser } = ctx;
    const s = (await agg.gql<Summary>(SUMMARY)).data!.statsSummary;
    const t = (await agg.gql<Trends>(TRENDS)).data!.dashboard;
    assert.is(s.installationsEverReported, 1000);
    const { page, errors } = await browser.newPage({ width: 1280, height: 900 });
    await page.goto(`${agg.base}/`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });

    assert.match((await page.textContent('#k-rule')) ?? '', /Every number on this page describes at least 5 installations/);
    const rows = (buckets: Bucket[]) => buckets.map((b) => [b.key, integer(b.count), percent(b.share)]);
    assert.equal(await tableOf(page, 'chart-printer-types'), rows(s.printersByType));
    assert.equal(await tableOf(page, 'chart-printer-models'), rows(s.printersByModel));
    assert.equal(await tableOf(page, 'chart-versions'), rows(s.installationsByAppVersion));
    assert.equal(await tableOf(page, 'chart-platforms'), rows(s.installationsByPlatform));
    assert.equal(await tableOf(page, 'chart-deployment'), rows(s.installationsByDeploymentMode));
    assert.equal(await tableOf(page, 'chart-countries'), rows(s.installationsByCountry));
    assert.equal(
      await tableOf(page, 'chart-features'),
      s.featureAdoption.map((f) => [f.feature, integer(f.enabledInstallations), percent(f.share)]),
    );
    // The rare version (2 installations) and country (3) are folded; the rare feature is left out.
    assert.ok(s.installationsByAppVersion.some((b) => b.key === 'other') && !s.installationsByCountry.some((b) => b.key === 'IS'));

    // Weekly figures against statsSummary.weekly: the same installations, K applied, growth from them.
    const weekly = s.weekly;
    const label = (i: number) => `${weekly[i].weekStart}${i === weekly.length - 1 ? ' (so far)' : ''}`;
    assert.equal(
      await tableOf(page, 'chart-active'),
      weekly.map((w, i) => [label(i), w.reportingInstallations >= 5 ? integer(w.reportingInstallations) : 'fewer than K']),
    );
    assert.equal(
      await tableOf(page, 'chart-growth'),
      weekly.map((w, i) => {
        const before = weekly[i - 1]?.reportingInstallations;
        if (!before || before < 5 || w.reportingInstallations < 5) return [label(i), '–'];
        const g = Math.round(((w.reportingInstallations - before) / before) * 10_000) / 10_000;
        return [label(i), `${g > 0 ? '+' : ''}${percent(g)}`];
      }),
    );
    assert.equal(
      (await tableOf(page, 'chart-errors')).map((r) => r.join('|')),
      t.errorsByComponent.map((e) => `${e.component}|${e.errorType}|${integer(e.occurrences)}`),
    );
    // Trends: one row per week, one column per version / feature, the share of the week's installations.
    const versionRows = await tableOf(page, 'chart-version-trend');
    const featureRows = await tableOf(page, 'chart-feature-trend');
    assert.is(versionRows.length, 12);
    t.weeks.forEach((w, i) => {
      for (const b of w.appVersions) assert.ok(versionRows[i].includes(percent(b.share)), `week ${w.weekStart} version ${b.key}`);
      for (const f of w.featureAdoption) assert.ok(featureRows[i].includes(percent(f.share)), `week ${w.weekStart} feature ${f.feature}`);
    });
    assert.ok(t.weeks.some((w) => w.appVersions.some((b) => b.key === '2.42.0')));

    await browser.screenshot(page, 'dashboard-desktop');
    // docs/dashboard.png (the README's picture) is replaced only when asked, so a test run leaves the tree clean.
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') {
      mkdirSync(join(root, 'docs'), { recursive: true });
      copyFileSync(join(root, 'test-results', 'screenshots', 'dashboard-desktop.png'), join(root, 'docs', 'dashboard.png'));
    }
    const phone = await browser.newPage({ width: 390, height: 844 });
    await phone.page.goto(`${agg.base}/`);
    await phone.page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
    // Nothing wider than the phone's screen.
    assert.ok((await phone.page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no horizontal scrolling at 390 px');
    await browser.screenshot(phone.page, 'dashboard-phone');
    assert.equal([...errors, ...phone.errors], [], [...errors, ...phone.errors].join('\n'));
  });

  test('the admin panel: unlocked by the key (kept in memory only), refusals, states, delete an installation and see it gone', async (ctx) => {
    const { agg, browser, seeded } = ctx;
    // Two refusals over HTTP: no API key, then an invalid report.
    await agg.gql(SUBMIT, { input: makeReport() }, { 'x-installation-secret': 'x'.repeat(20) });
    await agg.gql(SUBMIT, { input: { ...makeReport(), schemaVersion: 99 } }, { 'x-api-key': 'not-a-key-0123456789', 'x-installation-secret': 'x'.repeat(20) });
    const { page, errors } = await browser.newPage({ width: 1280, height: 900 });
    await page.goto(`${agg.base}/`);
    await page.waitForSelector('body[data-loaded="true"]');
    // Keyboard only: focus the key field, type, press Enter.
    await page.focus('#admin-key');
    await page.keyboard.type('wrong-key-0123456789');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('admin-status')?.textContent?.includes('FORBIDDEN'));
    await page.fill('#admin-key', ADMIN_KEY);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#admin[data-unlocked="true"]');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie + location.href);
    assert.not.ok(stored.includes(ADMIN_KEY), 'the key is in no storage, cookie or URL');

    const states = (await agg.gql<{ admin: { installationsByState: { state: string; count: number }[] } }>(STATES, {}, { 'x-admin-key': ADMIN_KEY })).data!
      .admin;
    const shown = await page.$$eval('#admin-installations .states .stat', (els) =>
      els.map((e) => [e.querySelector('dt')?.textContent, e.querySelector('dd')?.textContent]),
    );
    assert.equal(
      shown,
      states.installationsByState.map((s) => [s.state.toLowerCase(), integer(s.count)]),
    );
    // Newest first; the invalid report is refused before its key is checked.
    assert.equal(await page.$$eval('#latest-refusals tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent)), [
      'BAD_USER_INPUT',
      'UNAUTHENTICATED',
    ]);
    assert.match((await page.textContent('#refusal-codes')) ?? '', /BAD_USER_INPUT 1.*UNAUTHENTICATED 1/s);

    // The seeded fleet has 41 % of its active installations with errors: acknowledge that anomaly.
    await page.click('button:text-is("Acknowledge HIGH_ERROR_RATE")');
    await page.waitForFunction(() => /HIGH_ERROR_RATE[^]*acknowledged/.test(document.getElementById('admin-anomalies')?.textContent ?? ''));
    assert.is(await page.$('button:text-is("Acknowledge HIGH_ERROR_RATE")'), null);

    const LOOKUP = `query ($id: ID!) { admin { installation(id: $id) { installationId } } }`;
    let victim = '';
    for (const id of [...seeded.ids].reverse()) {
      const found = await agg.gql<{ admin: { installation: unknown } }>(LOOKUP, { id }, { 'x-admin-key': ADMIN_KEY });
      if (found.data?.admin.installation) {
        victim = id;
        break;
      }
    }
    const before = (await agg.gql<Summary>('{ statsSummary { installationsEverReported } }')).data!.statsSummary;
    await page.fill('#lookup-id', victim);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#lookup-result .record');
    assert.match((await page.textContent('#lookup-result')) ?? '', new RegExp(victim));
    await page.click('text=Delete this installation…');
    await page.click('text=Yes, delete it and all its data');
    await page.waitForFunction(() => document.getElementById('lookup-result')?.textContent?.startsWith('Deleted:'));
    await page.waitForFunction(() => document.getElementById('events')?.textContent?.includes('installation-deleted'));
    assert.not.ok(((await page.textContent('#events')) ?? '').includes(victim), 'the event shows a hash prefix, not the id');
    assert.equal((await tableOf(page, 'admin-deletions')).at(-1)?.slice(1), ['1', '1']);
    await browser.screenshot(page, 'dashboard-admin-desktop');

    // Gone: the lookup finds nothing, and the public summary no longer counts it.
    await page.fill('#lookup-id', victim);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('lookup-result')?.textContent?.includes('No installation with this id'));
    const after = (await agg.gql<Summary>('{ statsSummary { installationsEverReported } }')).data!.statsSummary;
    assert.is(after.installationsEverReported, before.installationsEverReported - 1);

    await page.click('button:text-is("Lock")');
    assert.is(await page.$('#admin[data-unlocked="true"]'), null);
    const phone = await browser.newPage({ width: 390, height: 844 });
    await phone.page.goto(`${agg.base}/`);
    await phone.page.waitForSelector('body[data-loaded="true"]');
    await phone.page.fill('#admin-key', ADMIN_KEY);
    await phone.page.keyboard.press('Enter');
    await phone.page.waitForSelector('#admin[data-unlocked="true"]');
    assert.ok((await phone.page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no horizontal scrolling at 390 px');
    await browser.screenshot(phone.page, 'dashboard-admin-phone');
    assert.equal(
      [...errors, ...phone.errors].filter((e) => !e.includes('403')),
      [],
    );
  });
} else {
  test('skipped: Chromium is not installed', () => {});
}

test.run();
