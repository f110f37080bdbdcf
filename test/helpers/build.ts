/**
 * The compiled servers under dist/, as `npm start` and `npm run aggregator` run them. `npm ci` builds
 * them (`prepare`); a test that spawns them calls `ensureBuilt()` first, which rebuilds when a source
 * file is newer than the last build, one test process at a time (a lock directory), so a test never
 * runs yesterday's JavaScript.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const root = join(import.meta.dirname, '..', '..');
const dist = join(root, 'dist');
const marker = join(dist, '.tsbuildinfo');
const lock = join(dist, '.build-lock');
const SOURCES = [
  'packages/plugin-api/src',
  'src',
  'common',
  'aggregator/src',
  'plugins',
  'pages',
  'clients',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
];

/** The compiled entry points, relative to the repository root. */
export const BUILT = { local: 'dist/src/server.js', aggregator: 'dist/aggregator/src/server.js' } as const;

function newestSource(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return /\.(ts|json|html|css)$/.test(path) && !path.endsWith('.d.ts') ? s.mtimeMs : 0;
  let newest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'test' || name === '__generated__') continue;
    newest = Math.max(newest, newestSource(join(path, name)));
  }
  return newest;
}

function isFresh(): boolean {
  if (!existsSync(marker) || !Object.values(BUILT).every((f) => existsSync(join(root, f)))) return false;
  const built = statSync(marker).mtimeMs;
  return SOURCES.every((s) => newestSource(join(root, s)) <= built);
}

function runNode(args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build failed (${what} exited ${code}):\n${output}`))));
  });
}

/** Builds dist/ unless it is newer than every source file; waits (up to `timeoutMs`) for another test's build. */
export async function ensureBuilt({ timeoutMs = 240_000 } = {}): Promise<void> {
  if (isFresh()) return;
  mkdirSync(dist, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
      // A lock left by a killed test process is older than any build takes.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > timeoutMs) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for another test's build of dist/ (lock ${lock})`);
      await sleep(250);
    }
  }
  try {
    if (isFresh()) return;
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    // The host imports the plugin API by name, from its compiled output: build it first, as `npm run build` does.
    await runNode([tsc, '-p', join('packages', 'plugin-api', 'tsconfig.json')], 'tsc (plugin-api)');
    await runNode([tsc, '-p', 'tsconfig.build.json'], 'tsc');
    await runNode(['--import', 'tsx', join(root, 'scripts', 'build-pages.ts')], 'the page build');
    // tsc leaves an up-to-date output alone, so the marker is touched by hand.
    if (!existsSync(marker)) writeFileSync(marker, '');
    const now = new Date();
    utimesSync(marker, now, now);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
