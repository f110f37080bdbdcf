/**
 * The privacy panel in real Chromium, against the built local server and a real aggregator it
 * sends to: consent, the preview, the ledger, export, delete with remote deletion, a hostile
 * printer name, and screenshots at desktop and phone width (test-results/screenshots/panel-*.png).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { launchBrowser, SCREENSHOT_DIR, testBrowserAvailable, type TestBrowser } from '../helpers/browser.js';
import { sqliteRun, startLocal, startStack, type Stack } from './stack.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const HOSTILE_FLAG = '<img src=x onerror="window.__pwned=1">';
const DAY_MS = 86_400_000;

interface Ctx {
  stack: Stack;
  browser: TestBrowser;
  page: Page;
  errors: string[];
  dialogs: string[];
}

type Report = { reportId: string; period: { start: string; end: string }; usage: { jobsCompleted: number }; installation: { installationId: string } };

/** Waits until the panel has (re)loaded `times` times in all: each refresh counts one. */
async function loaded(page: Page, times: number) {
  await page.waitForFunction((n) => Number(document.body.dataset.loaded ?? 0) >= n, times, { timeout: 20_000 });
}

/** Runs `action` (a click that changes something) and waits for the panel's refresh after it. */
async function andRefresh(page: Page, action: () => Promise<void>) {
  const before = await page.evaluate(() => Number(document.body.dataset.loaded ?? 0));
  await action();
  await loaded(page, before + 1);
}

async function seed(stack: Stack) {
  const now = Date.now();
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY_MS).toISOString();
  const events = [
    ...[1, 2, 2, 3, 4, 5, 5, 5, 6].map((d) => ({ type: 'JOB_COMPLETED', printerType: 'prusa', durationSeconds: 3600, occurredAt: at(d) })),
    ...[1, 3, 5].map((d) => ({ type: 'JOB_CREATED', printerType: 'prusa', occurredAt: at(d) })),
    { type: 'JOB_FAILED', printerType: 'bambu_lab', occurredAt: at(2) },
    { type: 'JOB_CANCELLED', occurredAt: at(4) },
    { type: 'FILE_UPLOADED', fileSizeBytes: 2_500_000, occurredAt: at(3) },
    { type: 'ERROR_OCCURRED', errorType: 'connection_timeout', component: 'mqtt', occurredAt: at(2) },
    { type: 'FEATURE_ENABLED', feature: 'timelapse', occurredAt: at(6) },
    { type: 'JOB_COMPLETED', printerType: 'prusa', occurredAt: at(0) },
  ];
  await stack.gql(stack.local, `mutation($e: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $e }) { recordedCount } }`, { e: events });
  for (const input of [
    { name: HOSTILE, type: 'bambu_lab' },
    { name: HOSTILE_FLAG, type: 'prusa' },
    { name: 'Desk MK4S', type: 'prusa', model: '1.4.1' },
  ]) {
    await stack.gql(stack.local, `mutation($i: AddPrinterInput!) { addPrinter(input: $i) { printer { id } } }`, { i: input });
  }
}

if (!testBrowserAvailable()) {
  console.log('skip: Chromium is not installed; the privacy panel browser tests are skipped.');
} else {
  const test = suite<Ctx>('privacy panel in Chromium');

  test.before(async (ctx) => {
    ctx.stack = await startStack();
    await seed(ctx.stack);
    ctx.browser = await launchBrowser();
    const { page, errors } = await ctx.browser.newPage({ width: 1280, height: 900 });
    ctx.page = page;
    ctx.errors = errors;
    ctx.dialogs = [];
    page.on('dialog', (d) => {
      ctx.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${ctx.stack.local}/`);
    await loaded(page, 1);
  });

  test.after(async (ctx) => {
    await ctx.browser?.close();
    await ctx.stack?.close();
  });

  test('GET / serves the panel with a strict CSP; GraphiQL stays at /graphql', async ({ stack }) => {
    const res = await fetch(`${stack.local}/`);
    assert.is(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const script = await fetch(`${stack.local}/panel/main.js`);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.is((await fetch(`${stack.local}/panel/..%2Fpackage.json`)).status, 404);
    const graphiql = await fetch(`${stack.local}/graphql`, { headers: { accept: 'text/html' } });
    assert.match(await graphiql.text(), /GraphiQL/i);
  });

  test('a printer named like markup shows as text and runs nothing', async ({ page, dialogs }) => {
    const row = page.locator('#fleet th[scope=row]', { hasText: HOSTILE });
    await row.waitFor({ state: 'visible' });
    assert.is(await row.textContent(), HOSTILE);
    assert.is(await page.locator('#fleet th[scope=row]', { hasText: HOSTILE_FLAG }).textContent(), HOSTILE_FLAG);
    assert.is(await page.locator('main img').count(), 0, 'no <img> element was created');
    assert.is(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(dialogs, [], 'no alert opened');
  });

  test('undecided at first: the three choices, the fields with their versions, nothing sent', async ({ page }) => {
    const current = page.locator('#consent .state-current h3');
    assert.match((await current.textContent()) ?? '', /Not decided yet/);
    assert.match((await page.locator('#consent .summary').textContent()) ?? '', /nothing is sent/);
    assert.is(await page.locator('#consent .states > li').count(), 3);
    const rows = page.locator('#collect tbody tr');
    assert.ok((await rows.count()) > 10, 'every report field is listed');
    assert.match((await page.locator('#collect tbody tr', { hasText: 'usage.jobsCompleted' }).textContent()) ?? '', /v1/);
    assert.match((await page.locator('#in-progress').textContent()) ?? '', /would be in the report/);
  });

  test('consent: sharing switches statistics on and says when the next report goes', async ({ page }) => {
    await andRefresh(page, () => page.getByRole('button', { name: 'Share statistics' }).click());
    await page.locator('#consent .badge', { hasText: 'statistics are on' }).waitFor();
    assert.match((await page.locator('#consent .state-current h3').textContent()) ?? '', /Share anonymous counts/);
    assert.match((await page.locator('#consent .facts').textContent()) ?? '', /Installation ID[0-9a-f-]{36}/);
  });

  test('preview: the JSON shown is the report the API previews, and today waits in the period in progress', async ({ page, stack }) => {
    const shown = JSON.parse((await page.locator('#report pre.json').textContent()) ?? '') as Report;
    const api = (await stack.gql<{ reportPreview: { json: Report } }>(stack.local, `{ reportPreview { json } }`)).reportPreview.json;
    assert.equal(shown, api);
    assert.is(shown.usage.jobsCompleted, 9, 'the jobs of the last seven whole days');
    const progress = (await page.locator('#in-progress').textContent()) ?? '';
    assert.match(progress, /1 job completed/);
    assert.match(progress, /These will be in the report for .+, sent on /);
    // The top of the page after opting in, as the README shows it (docs/panel.png is a copy of one good run).
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'panel-desktop-top.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 2500 } });
  });

  test('the ledger: send now, then the exact payload the aggregator accepted', async ({ page, stack }) => {
    await andRefresh(page, () => page.getByRole('button', { name: 'Send the next report now' }).click());
    const entry = page.locator('#ledger .ledger-entry[data-status=SENT]');
    await entry.waitFor();
    await entry.locator('summary').click();
    const payload = JSON.parse((await entry.locator('pre').textContent()) ?? '') as Report;
    assert.is(payload.usage.jobsCompleted, 9);
    assert.match((await entry.textContent()) ?? '', /Attempts1/);
    assert.is(await stack.aggregatorRows('report'), 1, 'the aggregator holds the report');
  });

  test('export: the file arrives and parses, without the secret', async ({ page }) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()]);
    assert.match(download.suggestedFilename(), /^printernizer-usage-data-\d{4}-\d{2}-\d{2}\.json$/);
    const text = readFileSync(await download.path(), 'utf8');
    const data = JSON.parse(text) as { events: unknown[]; submissions: { status: string; payload: Report }[]; settings: Record<string, unknown> };
    assert.ok(data.events.length >= 18, `${data.events.length} events`);
    assert.equal(
      data.submissions.map((s) => s.status),
      ['SENT'],
    );
    assert.is(data.settings.hasInstallationSecret, true);
    assert.not.match(text, /installationSecret"/);
  });

  test('screenshots at desktop and phone width; nothing overflows at 390 px', async ({ page, browser, stack }) => {
    await browser.screenshot(page, 'panel-desktop');
    const phone = await browser.newPage({ width: 390, height: 844 });
    await phone.page.goto(`${stack.local}/`);
    await loaded(phone.page, 1);
    await browser.screenshot(phone.page, 'panel-phone');
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide at 390 px`);
    assert.equal(phone.errors, []);
    await phone.page.context().close();
  });

  test('keyboard: the skip link comes first; the delete dialog opens on Cancel and Escape closes it', async ({ page }) => {
    await page.reload();
    await loaded(page, 1);
    await page.keyboard.press('Tab');
    assert.is(await page.evaluate(() => document.activeElement?.textContent), 'Skip to the content');
    await page.getByRole('button', { name: 'Delete my data…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.is(await page.evaluate(() => document.activeElement?.textContent), 'Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('delete with remote deletion: progress shown, confirmed, and the aggregator holds nothing', async ({ page, browser, stack }) => {
    await page.getByRole('button', { name: 'Delete my data…' }).click();
    const dialog = page.getByRole('dialog');
    assert.ok(await dialog.getByLabel('Also have the aggregator delete everything it holds for this installation').isChecked());
    await andRefresh(page, () => dialog.getByRole('button', { name: 'Delete everything' }).click());
    await dialog.getByText('The aggregator confirmed').waitFor();
    assert.match((await dialog.textContent()) ?? '', /Deleted here: \d+ events and 1 report/);
    await browser.screenshot(page, 'panel-deleted');
    assert.is(await stack.aggregatorRows('report'), 0, 'the report is gone from the aggregator');
    assert.is(await stack.aggregatorRows('installation'), 0, 'and so is the installation');
    await dialog.getByRole('button', { name: 'Close' }).click();
    assert.match((await page.locator('#consent .state-current h3').textContent()) ?? '', /Not decided yet/);
  });

  test('banners: the kill switch is named, and an older consent asks again', async ({ browser, stack }) => {
    const local = await startLocal({ DO_NOT_TRACK: '1' });
    try {
      await stack.gql(local.base, `mutation { optInUsageStatistics { usageSettings { consent } } }`);
      // An installation that agreed to an older report schema than this server builds.
      await sqliteRun(local.db.url, 'update usage_settings set consented_schema_version = 0');
      const { page, errors } = await browser.newPage({ width: 1280, height: 900 });
      await page.goto(`${local.base}/`);
      await loaded(page, 1);
      const alerts = page.locator('#consent .notice');
      assert.match((await alerts.nth(0).textContent()) ?? '', /The environment variable DO_NOT_TRACK is set, so nothing is sent/);
      assert.match((await alerts.nth(1).textContent()) ?? '', /You agreed to report schema version 0; this version is 1/);
      assert.ok((await page.locator('#collect .badge', { hasText: 'new since your consent' }).count()) > 10, 'the newer fields are marked');
      assert.match((await page.locator('#consent .facts').textContent()) ?? '', /never, while statistics are off/);
      await browser.screenshot(page, 'panel-banners');
      await andRefresh(page, () => page.getByRole('button', { name: 'Agree to version 1' }).click());
      assert.is(await page.locator('#consent .notice', { hasText: 'Reports can now carry more fields' }).count(), 0, 'agreeing again ends it');
      assert.equal(errors, []);
      await page.context().close();
    } finally {
      await local.close();
    }
  });

  test('no console error, page error or CSP violation on the way', ({ errors, dialogs }) => {
    assert.equal(errors, []);
    assert.equal(dialogs, []);
  });

  test.run();
}
