/**
 * Start-up time and memory of the servers as deployed (`node dist/...`, built by `npm run build`)
 * against the same servers on tsx (`npm run dev`), in one run on this machine:
 *   npx tsx bench/startup.ts [runs]
 * For each: the time from spawning the process to the first 200 on `/health`, and the resident
 * memory (RSS) of the server process after it has sat idle for a few seconds. With `npm start`
 * or `npm run dev`, npm (and the tsx CLI) sit around the server: their RSS is added in the
 * "whole tree" column. The databases are SQLite files migrated by a first, unmeasured start, so
 * the figures are those of a restart. Figures, never asserted anywhere. npm run bench calls
 * benchStartup(), which compares only `node dist/...` with `node --import tsx ...`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

import type { BenchRow } from './lib/row.js';

const root = join(import.meta.dirname, '..');
const IDLE_MS = 5000;

interface Variant {
  name: string;
  command: string[];
}

const SERVICES = [
  {
    service: 'local API',
    env: (dir: string) => ({ HOST: '127.0.0.1', PORT: '0', DATABASE_URL: `sqlite:${join(dir, 'local.sqlite')}` }),
    variants: [
      { name: 'node dist/src/server.js', command: [process.execPath, 'dist/src/server.js'] },
      { name: 'npm start', command: ['npm', 'start', '--silent'] },
      { name: 'node --import tsx src/server.ts', command: [process.execPath, '--import', 'tsx', 'src/server.ts'] },
      { name: 'npm run dev', command: ['npm', 'run', 'dev', '--silent'] },
    ],
  },
  {
    service: 'aggregator',
    env: (dir: string) => ({ AGGREGATOR_HOST: '127.0.0.1', AGGREGATOR_PORT: '0', AGGREGATOR_DATABASE_URL: `sqlite:${join(dir, 'aggregator.sqlite')}` }),
    variants: [
      { name: 'node dist/aggregator/src/server.js', command: [process.execPath, 'dist/aggregator/src/server.js'] },
      { name: 'npm run aggregator', command: ['npm', 'run', 'aggregator', '--silent'] },
      { name: 'node --import tsx aggregator/src/server.ts', command: [process.execPath, '--import', 'tsx', 'aggregator/src/server.ts'] },
      { name: 'npm run aggregator:dev', command: ['npm', 'run', 'aggregator:dev', '--silent'] },
    ],
  },
];

/** RSS in KiB of every process in the tree under `pid`, keyed by pid (Linux /proc). */
function treeRss(pid: number): Map<number, number> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while the table was read.
    }
  }
  const out = new Map<number, number>();
  const visit = (p: number) => {
    try {
      const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      out.set(p, kib);
    } catch {
      return;
    }
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return out;
}

async function health(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/health`)).status === 200;
  } catch {
    return false;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The whole process group: a SIGTERM to npm alone stops npm and its shell, not the server.
  process.kill(-child.pid!, 'SIGTERM');
  const killed = await Promise.race([exited.then(() => false), sleep(20_000).then(() => true)]);
  if (killed) process.kill(-child.pid!, 'SIGKILL');
}

interface Sample {
  healthMs: number;
  serverMiB: number;
  treeMiB: number;
}

async function measure(v: Variant, env: Record<string, string>): Promise<Sample> {
  const started = performance.now();
  const child = spawn(v.command[0], v.command.slice(1), {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const deadline = performance.now() + 60_000;
    let healthMs = 0;
    for (;;) {
      const base = /(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output)?.[1];
      if (base && (await health(base))) {
        healthMs = performance.now() - started;
        break;
      }
      if (child.exitCode !== null || performance.now() > deadline) throw new Error(`${v.name} did not answer /health within 60 s:\n${output}`);
      await sleep(5);
    }
    await sleep(IDLE_MS);
    const rss = treeRss(child.pid!);
    const values = [...rss.values()];
    const server = Math.max(...values);
    return { healthMs, serverMiB: server / 1024, treeMiB: values.reduce((a, b) => a + b, 0) / 1024 };
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface StartupFigures {
  service: string;
  name: string;
  healthMs: number;
  serverMiB: number;
  treeMiB: number;
}

/** Median figures of each variant of each service; `only` keeps the variants whose name it matches. */
export async function startupFigures(o: { runs?: number; only?: (variant: string) => boolean } = {}): Promise<StartupFigures[]> {
  if (!existsSync(join(root, 'dist/src/server.js')) || !existsSync(join(root, 'dist/aggregator/src/server.js')))
    throw new Error('dist/ is missing: run `npm run build` first.');
  const out: StartupFigures[] = [];
  for (const s of SERVICES) {
    const variants = s.variants.filter((v) => o.only?.(v.name) ?? true);
    const dir = mkdtempSync(join(tmpdir(), 'pzs-startup-'));
    try {
      const env = s.env(dir);
      await measure(variants[0], env); // migrates the database: later starts are restarts
      const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
      for (let r = 0; r < (o.runs ?? 3); r++) for (const v of variants) samples.get(v.name)!.push(await measure(v, env));
      for (const v of variants) {
        const xs = samples.get(v.name)!;
        out.push({
          service: s.service,
          name: v.name,
          healthMs: median(xs.map((x) => x.healthMs)),
          serverMiB: median(xs.map((x) => x.serverMiB)),
          treeMiB: median(xs.map((x) => x.treeMiB)),
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

/** For npm run bench: each server as deployed (node dist/...) against the same on tsx, on SQLite. */
export async function benchStartup(o: { runs?: number } = {}): Promise<BenchRow[]> {
  const figures = await startupFigures({ runs: o.runs, only: (name) => name.startsWith('node ') });
  const rows: BenchRow[] = [];
  for (const service of new Set(figures.map((f) => f.service))) {
    const [built, tsx] = [
      figures.find((f) => f.service === service && f.name.includes('dist/'))!,
      figures.find((f) => f.service === service && f.name.includes('tsx'))!,
    ];
    const command = built.name.replace(/^node /, '');
    rows.push(
      {
        part: 'startup',
        database: 'sqlite',
        measure: `${service}: start to /health, node ${command} vs tsx`,
        baseline: `${(tsx.healthMs / 1000).toFixed(2)} s`,
        measured: `${(built.healthMs / 1000).toFixed(2)} s`,
        ratio: built.healthMs / tsx.healthMs,
        goal: '≤ 1.5 s',
        met: built.healthMs <= 1500,
      },
      {
        part: 'startup',
        database: 'sqlite',
        measure: `${service}: server RSS at idle, node ${command} vs tsx`,
        baseline: `${tsx.serverMiB.toFixed(0)} MiB`,
        measured: `${built.serverMiB.toFixed(0)} MiB`,
        ratio: built.serverMiB / tsx.serverMiB,
        goal: '≤ 150 MiB',
        met: built.serverMiB <= 150,
      },
    );
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await startupFigures({ runs: Number(process.argv[2] ?? 3) }).catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
  const lines = [
    `Start-up and idle memory, median of ${process.argv[2] ?? 3} runs (interleaved), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, SQLite, idle ${IDLE_MS / 1000} s:`,
    '',
    '| service | command | start to /health | server RSS | whole tree RSS |',
    '|---|---|---|---|---|',
  ];
  for (const service of new Set(figures.map((f) => f.service))) {
    const mine = figures.filter((f) => f.service === service);
    for (const f of mine)
      lines.push(`| ${service} | \`${f.name}\` | ${(f.healthMs / 1000).toFixed(2)} s | ${f.serverMiB.toFixed(0)} MiB | ${f.treeMiB.toFixed(0)} MiB |`);
    const [built, , tsx] = mine;
    lines.push(
      `| ${service} | built vs tsx | ${(built.healthMs / tsx.healthMs).toFixed(2)}× | ${(built.serverMiB / tsx.serverMiB).toFixed(2)}× | ${(built.treeMiB / tsx.treeMiB).toFixed(2)}× |`,
    );
  }
  console.log(lines.join('\n'));
}
