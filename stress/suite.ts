/**
 * The whole suite, part by part, with the given sizes: `npm run stress` runs it with the issue's
 * values, and test/stress/ runs the same parts with small ones inside `npm test`.
 */
import type { Check } from './lib/check.js';
import { postgresAnswers } from './lib/db.js';
import type { StressParams } from './lib/params.js';
import { runHostile } from './hostile/run.js';
import { aggregatorLoad, localWriters } from './load.js';

export interface SuiteResult {
  checks: Check[];
  notes: string[];
  databases: string;
}

export async function runSuite(p: StressParams, log: (line: string) => void = () => {}): Promise<SuiteResult> {
  const checks: Check[] = [];
  const notes: string[] = [];
  const postgres = p.dbs.includes('postgresql') && (await postgresAnswers());
  if (p.dbs.includes('postgresql') && !postgres) notes.push('PostgreSQL did not answer: its parts were not run');
  const dbs = p.dbs.filter((d) => d === 'sqlite' || postgres);
  const part = async (name: string, label: string, fn: () => Promise<Check[]>) => {
    if (!p.parts.includes(name)) return;
    const started = performance.now();
    log(`${name}: ${label} …`);
    try {
      const got = await fn();
      checks.push(...got);
      log(`  ${got.filter((c) => c.held).length}/${got.length} held (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      for (const c of got.filter((x) => !x.held)) log(`  NOT HELD: ${c.tried}: ${c.observed}${c.defect ? ` (defect ${c.defect})` : ''}`);
    } catch (err) {
      const message = (err as Error).stack?.split('\n').slice(0, 3).join(' ') ?? String(err);
      checks.push({ part: name as Check['part'], service: label, database: '', tried: label, expected: 'the part runs', observed: `it threw: ${message}`.slice(0, 400), held: false });
      log(`  FAILED: ${message}`);
    }
  };
  for (const service of ['local', 'aggregator'] as const)
    for (const db of dbs) await part('hostile', `${service} on ${db}`, () => runHostile({ service, db, count: p.hostile, seed: p.seed, log: (l) => log(`  ${l}`) }));
  const loadDb = postgres ? 'postgresql' : 'sqlite';
  await part('load', `aggregator on ${loadDb}`, () => aggregatorLoad({ clients: p.loadClients, seconds: p.loadSeconds, db: loadDb }));
  await part('load', 'local API on sqlite', () => localWriters({ writers: p.writers, seconds: p.writerSeconds, db: 'sqlite', rssLimitMiB: p.rssLimitMiB }));
  return { checks, notes, databases: postgres ? 'SQLite (a file, WAL), PostgreSQL, a redis-server of its own; all on this machine' : 'SQLite (a file, WAL), a redis-server of its own' };
}
