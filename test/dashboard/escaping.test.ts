/**
 * Everything the dashboard shows is text, never markup: markup is written straight into every stored
 * string the page displays (where ingest validation would refuse it), and nothing executes.
 */
import { randomUUID } from 'node:crypto';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { execute } from '../../common/sql.js';
import { createTestAggregator, makeReport } from '../../aggregator/test/helpers/aggregator.js';
import { isoWeekStart } from '../../aggregator/src/week.js';
import { launchBrowser, testBrowserAvailable } from '../helpers/browser.js';
import { createTempDatabase } from '../helpers/temp-database.js';
import { ADMIN_KEY, startBuiltAggregator } from './harness.js';

const MARK = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

/** Where each stored string shows on the page (section ids). */
const SHOWN_IN = [
  'chart-printer-types',
  'chart-printer-models',
  'chart-versions',
  'chart-version-trend',
  'chart-platforms',
  'chart-deployment',
  'chart-countries',
  'chart-features',
  'chart-feature-trend',
  'chart-errors',
  'refusal-codes',
  'latest-refusals',
  'events',
  'lookup-result',
];

const test = suite('dashboard escaping in Chromium');

if (testBrowserAvailable()) {
  test('markup stored in every displayed string shows as text and runs nothing', async () => {
    const db = await createTempDatabase('sqlite');
    const now = new Date(Date.now() - 3_600_000);
    const t = await createTestAggregator({ db, now: now.toISOString(), env: { AGGREGATOR_K_ANONYMITY: '1' } });
    const id = randomUUID();
    const end = new Date(Math.floor(now.getTime() / 86_400_000) * 86_400_000).toISOString();
    const report = makeReport({ installationId: id, end, days: 1 });
    assert.ok((await t.submit(report)).data?.submitReport);

    // Straight into the database, past the ingest validation that refuses all of this.
    const em = t.app.services.orm.em.fork();
    const items = JSON.stringify([{ type: MARK, model: MARK, count: 1 }]);
    const features = JSON.stringify([{ feature: MARK, enabled: true }]);
    await execute(em, 'update installation set app_version = ?, platform = ?, deployment_mode = ?, country_code = ?, printer_types = ?, features = ?', [
      MARK,
      MARK,
      MARK,
      MARK,
      items,
      features,
    ]);
    const payload = {
      ...report,
      installation: { ...report.installation, appVersion: MARK },
      features: [{ feature: MARK, enabled: true }],
      errors: [{ errorType: MARK, component: MARK, count: 3 }],
    };
    await execute(em, 'update report set payload = ?', [JSON.stringify(payload)]);
    await execute(em, 'insert into recent_refusal (at, code) values (?, ?)', [now, MARK]);
    await execute(em, 'insert into refusal_week (week_start, code, refusals) values (?, ?, 1)', [isoWeekStart(now), MARK]);
    await execute(em, 'insert into ops_event (at, kind, actor, subject) values (?, ?, ?, ?)', [now, MARK, MARK, MARK]);
    await t.close();

    const agg = await startBuiltAggregator(db, { AGGREGATOR_K_ANONYMITY: '1' });
    const browser = await launchBrowser();
    try {
      const { page, errors } = await browser.newPage({ width: 1280, height: 900 });
      await page.addInitScript(() => {
        (window as unknown as { __pwned: number }).__pwned = 0;
        (window as unknown as { __violations: string[] }).__violations = [];
        // Had anything been parsed as markup, the page's CSP would block it and report it here.
        document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __violations: string[] }).__violations.push(e.violatedDirective));
      });
      page.on('dialog', (d) => void d.dismiss());
      await page.goto(`${agg.base}/`);
      await page.waitForSelector('body[data-loaded="true"]');
      await page.fill('#admin-key', ADMIN_KEY);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#admin[data-unlocked="true"]');
      await page.fill('#lookup-id', id);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#lookup-result .record');

      for (const section of SHOWN_IN) {
        const text = await page.$eval(`#${section}`, (e) => e.textContent ?? '');
        assert.ok(text.includes(MARK), `${section} shows the markup as text: ${text.slice(0, 200)}`);
      }
      // The lookup shows it in version, platform, deployment and country.
      assert.is((await page.$eval('#lookup-result', (e) => e.textContent ?? '')).split(MARK).length - 1, 4);
      assert.is(await page.evaluate(() => (window as unknown as { __pwned: number }).__pwned), 0);
      assert.equal(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
      assert.is(await page.$$eval('img', (imgs) => imgs.length), 0, 'no <img> element was created');
      assert.equal(await page.$$eval('script', (s) => s.map((x) => x.getAttribute('src'))), ['/dashboard/main.js']);
      await browser.screenshot(page, 'dashboard-escaping');
      assert.equal(
        errors.filter((e) => !e.includes('403')),
        [],
      );
    } finally {
      await browser.close();
      await agg.stop();
      await db.drop();
    }
  });
} else {
  test('skipped: Chromium is not installed', () => {});
}

test.run();
