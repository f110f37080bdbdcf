/**
 * Runs every uvu suite file in its own process (two at a time) and ends with the plain line
 * `N passed, N failed`. A file that crashes counts as a failure. PostgreSQL and Redis are probed
 * once, and Chromium looked for: with CI=true they must be there; elsewhere their suites are skipped
 * with one line each.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { postgresReachable } from './helpers/temp-database.js';
import { redisReachable } from './helpers/redis.js';
import { browserInstalled, CHROMIUM_PATH } from './helpers/browser.js';

const root = join(import.meta.dirname, '..');
const ci = process.env.CI === 'true';
const filter = process.argv[2];

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** `<folder>/<name>/test` for every package under plugins/, packages/ and examples/. */
const packageTestDirs = (folder: string) => {
  try {
    return readdirSync(join(root, folder), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `${folder}/${d.name}/test`);
  } catch {
    return [];
  }
};
const pluginDirs = ['plugins', 'packages', 'examples'].flatMap(packageTestDirs);
const dirs = ['test', 'aggregator/test', ...pluginDirs];
const files = dirs
  .map((d) => join(root, d))
  .filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  })
  .flatMap(findTests)
  .filter((f) => !filter || f.includes(filter))
  .sort();

let failed = 0;
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' };
for (const [name, probe, variable] of [
  ['PostgreSQL', () => postgresReachable(), 'PZS_TEST_POSTGRES'],
  ['Redis', () => redisReachable(), 'PZS_TEST_REDIS'],
] as const) {
  const up = await probe();
  env[variable] = up ? '1' : '0';
  if (!up && ci) {
    console.log(`FAIL: ${name} is unreachable and CI=true: its suites must run in CI.`);
    failed += 1;
  } else if (!up) {
    console.log(`skip: ${name} is unreachable on 127.0.0.1; its suites are skipped (set CI=true to make this a failure).`);
  }
}
{
  const up = browserInstalled();
  env.PZS_TEST_BROWSER = up ? '1' : '0';
  if (!up && ci) {
    console.log(`FAIL: Chromium is not installed at ${CHROMIUM_PATH} and CI=true: the page suites must run in CI (.ci/run installs it).`);
    failed += 1;
  } else if (!up) {
    console.log(`skip: Chromium is not installed at ${CHROMIUM_PATH}; the page suites are skipped (apt-get install chromium, or set CHROMIUM_PATH).`);
  }
}

interface Result {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  output: string;
}

const fileTimeoutMs = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 300_000);

function runFile(file: string): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // A file that hangs fails with a message instead of holding up the whole run.
    const deadline = setTimeout(() => {
      output += `\ntimed out after ${fileTimeoutMs} ms waiting for ${relative(root, file)} to finish; killed (TEST_FILE_TIMEOUT_MS)\n`;
      child.kill('SIGKILL');
    }, fileTimeoutMs);
    child.on('close', (code) => {
      clearTimeout(deadline);
      const num = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? 0);
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped');
      let fails = total - passed - skipped;
      if (code !== 0 && fails === 0) fails = 1;
      done({ file: relative(root, file), passed, failed: fails, skipped, output });
    });
  });
}

const queue = [...files];
const results: Result[] = [];
const concurrency = Number(process.env.TEST_CONCURRENCY ?? 2);
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const r = await runFile(file);
      results.push(r);
      console.log(`\n=== ${r.file}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
      if (r.failed || process.env.VERBOSE) console.log(r.output.trimEnd());
    }
  }),
);

const sum = (k: 'passed' | 'failed' | 'skipped') => results.reduce((n, r) => n + r[k], 0);
failed += sum('failed');
const skipped = sum('skipped');
console.log(`\n${sum('passed')} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || results.length === 0 ? 1 : 0);
