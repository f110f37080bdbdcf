/**
 * The cost of running a third-party plugin in a worker thread: one fleet collection (collectFleet
 * over 200 printers, the answer checked by the host) through the worker against the same plugin
 * in-process, and the worker's start (import of the plugin in a fresh thread). A figure, no goal:
 *   npx tsx bench/plugins.ts            (or BENCH_PARTS=plugins npm run bench)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import type { HostPrinter } from '@printernizer-stats/plugin-api';
import { HostedPlugin, importPlugin } from '@printernizer-stats/plugin-api/host';

import type { BenchRow } from './lib/row.js';

const PLUGIN = `export default {
  name: 'bench', version: '1.0.0', apiVersion: 1,
  printerTypes: [{ id: 'bench', displayName: 'Bench', vendor: 'Bench', models: ['M0', 'M1', 'M2', 'M3'] }],
  collectFleet({ printers }) {
    const counts = new Map();
    for (const p of printers) counts.set(p.model, (counts.get(p.model) ?? 0) + 1);
    return [...counts].map(([model, count]) => ({ type: 'bench', model, count }));
  },
};
`;

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const options = { timeoutMs: 5000, logger: silent, searchFrom: [process.cwd()] };

async function perCall(plugin: HostedPlugin, printers: HostPrinter[], calls: number): Promise<number> {
  for (let i = 0; i < 50; i++) await plugin.collectFleet(printers);
  const start = performance.now();
  for (let i = 0; i < calls; i++) await plugin.collectFleet(printers);
  return (performance.now() - start) / calls;
}

export async function benchPlugins(o: { calls?: number } = {}): Promise<BenchRow[]> {
  const calls = o.calls ?? 2000;
  const dir = mkdtempSync(join(tmpdir(), 'pzs-bench-plugin-'));
  try {
    const file = join(dir, 'plugin.mjs');
    writeFileSync(file, PLUGIN);
    const url = pathToFileURL(file).href;
    const printers: HostPrinter[] = Array.from({ length: 200 }, (_, i) => ({ id: String(i + 1), type: 'bench', model: `M${i % 4}` }));

    const inProcess = new HostedPlugin(await importPlugin({ spec: 'bench', module: await import(url) }, options), options);
    let start = performance.now();
    const isolated = new HostedPlugin(await importPlugin({ spec: 'bench', url }, options), options);
    const startMs = performance.now() - start;
    start = performance.now();
    try {
      const base = await perCall(inProcess, printers, calls);
      const worker = await perCall(isolated, printers, calls);
      return [
        {
          part: 'plugins',
          database: '—',
          measure: `collectFleet over 200 printers, worker thread vs in-process (ms per collection, ${calls} each)`,
          baseline: base.toFixed(3),
          measured: worker.toFixed(3),
          ratio: worker / base,
          goal: '(figure)',
          met: true,
        },
        {
          part: 'plugins',
          database: '—',
          measure: 'starting a plugin in its worker thread (ms, once per plugin at start-up and after a stop)',
          baseline: '',
          measured: startMs.toFixed(1),
          ratio: Number.NaN,
          goal: '(figure)',
          met: true,
        },
      ];
    } finally {
      await isolated.teardown();
      await inProcess.teardown();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.table(await benchPlugins({ calls: Number(process.argv[2] ?? 2000) }));
