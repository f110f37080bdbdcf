/** The suite's table, printed and written to bench/stress.md in the layout of bench/results.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';

import type { Check } from './check.js';
import type { StressParams } from './params.js';

const ROOT = join(import.meta.dirname, '..', '..');
const cell = (s: string) => s.replaceAll('|', '\\|').replace(/\s+/g, ' ');

export function renderTable(checks: Check[]): string {
  const head = ['part', 'service', 'database', 'what was tried', 'expected', 'observed', 'held?'];
  const rows = checks.map((c) => [
    c.part,
    c.service,
    c.database,
    c.tried,
    c.expected,
    c.observed,
    c.held ? 'yes' : c.defect ? `**no** (defect ${c.defect})` : '**no**',
  ]);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

export function renderReport(o: { checks: Check[]; params: StressParams; minutes: number; command: string; databases: string; notes: string[] }): string {
  const held = o.checks.filter((c) => c.held).length;
  const cpu = cpus();
  return [
    '# Stress results',
    '',
    '<!-- Written by `npm run stress` (stress/run.ts); the whole file is replaced on each run. -->',
    '',
    `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; whole run ${o.minutes.toFixed(1)} min`,
    `- Machine: ${cpu[0]?.model.split(' ').slice(0, 2).join(' ') ?? '?'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`,
    `- Node ${process.version}, ${osType()} ${release()}`,
    `- Packages: graphql ${version('graphql')}, graphql-yoga ${version('graphql-yoga')}, @mikro-orm/core ${version('@mikro-orm/core')}, sqlite3 ${version('sqlite3')}, pg ${version('pg')}, ioredis ${version('ioredis')}, fast-check ${version('fast-check')}, undici ${version('undici')}`,
    `- Databases: ${o.databases}`,
    `- Command: \`${o.command}\``,
    `- Parameters: ${Object.entries(o.params)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
      .join(', ')}`,
    `- Held: ${held} of ${o.checks.length} checks`,
    ...o.notes.map((n) => `- Note: ${n}`),
    '',
    renderTable(o.checks),
    '',
  ].join('\n');
}

export function writeReport(text: string, path = join(ROOT, 'bench', 'stress.md')): void {
  writeFileSync(path, text);
}
