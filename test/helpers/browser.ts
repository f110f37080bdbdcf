/**
 * Real Chromium for page tests: Debian's `chromium` package (`/usr/bin/chromium`, or CHROMIUM_PATH)
 * driven by playwright-core. `npx playwright install` cannot download here, so the browser comes
 * from apt (`.ci/run` installs it when missing). With CI=true a missing browser fails the run;
 * elsewhere the browser suites skip with one line (the runner prints it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { root } from './build.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where page tests save their screenshots (gitignored); look at them before calling a page done. */
export const SCREENSHOT_DIR = join(root, 'test-results', 'screenshots');

/** True when the Chromium binary is installed. */
export function browserInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * Whether browser suites run: when the runner found Chromium (PZS_TEST_BROWSER=1), or, for a file
 * run on its own, when it is installed or CI=true (where a missing browser must fail, not skip).
 */
export function testBrowserAvailable(): boolean {
  const flag = process.env.PZS_TEST_BROWSER;
  return flag === undefined ? process.env.CI === 'true' || browserInstalled() : flag === '1';
}

export interface TestBrowser {
  browser: Browser;
  /** A fresh page (its own context) with the given viewport; console errors and page errors are collected. */
  newPage(options?: { width?: number; height?: number }): Promise<{ page: Page; errors: string[] }>;
  /** Saves a full-page screenshot as test-results/screenshots/<name>.png and returns the path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with the flags this closed network needs (no background networking,
 * no component updates, no sync); playwright gives it a throwaway profile.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    browser,
    async newPage({ width = 1280, height = 900 } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      return { page, errors };
    },
    async screenshot(page, name) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await browser.close();
    },
  };
}
