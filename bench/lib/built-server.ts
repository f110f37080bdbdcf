/**
 * A compiled server under dist/ started as a user runs it (`node dist/...`, what `npm run aggregator`
 * runs), on a port the system picks, for the bench to load over loopback. dist/ is rebuilt first
 * when a source file is newer than the last build (the tests' ensureBuilt, without its lock: the
 * bench runs alone).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const root = join(import.meta.dirname, '..', '..');
const marker = join(root, 'dist', '.tsbuildinfo');
const SOURCES = ['src', 'common', 'aggregator/src', 'plugins', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestSource(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return /\.(ts|json)$/.test(path) && !path.endsWith('.d.ts') ? s.mtimeMs : 0;
  let newest = 0;
  for (const name of readdirSync(path)) if (name !== 'node_modules' && name !== 'test') newest = Math.max(newest, newestSource(join(path, name)));
  return newest;
}

/** `npm run build` unless dist/ is newer than every source file. */
export function ensureBuilt(entry: string): void {
  const fresh = existsSync(marker) && existsSync(join(root, entry)) && SOURCES.every((s) => newestSource(join(root, s)) <= statSync(marker).mtimeMs);
  if (fresh) return;
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (tsc.status !== 0) throw new Error(`npm run build failed:\n${tsc.stdout}${tsc.stderr}`);
  // tsc leaves an up-to-date output alone, so the marker is touched by hand.
  if (!existsSync(marker)) writeFileSync(marker, '');
  const now = new Date();
  utimesSync(marker, now, now);
}

export interface BuiltServer {
  /** http://127.0.0.1:port */
  base: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns `node [nodeArgs] entry` and waits (up to 60 s) for its banner and a 200 on /health. */
export async function startBuilt(entry: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<BuiltServer> {
  ensureBuilt(entry);
  const child = spawn(process.execPath, [...nodeArgs, entry], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (await Promise.race([exited.then(() => false), sleep(20_000).then(() => true)])) child.kill('SIGKILL');
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const base = /(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output)?.[1];
    if (
      base &&
      (await fetch(`${base}/health`).then(
        (r) => r.status === 200,
        () => false,
      ))
    )
      return { base, child, output: () => output, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${entry} did not answer /health within 60 s:\n${output}`);
    }
    await sleep(20);
  }
}
