/**
 * The whole suite, part by part, with the given sizes: `npm run stress` runs it with the issue's
 * values, and test/stress/ runs the same parts with small ones inside `npm test`.
 */
import type { Check } from './lib/check.js';
import { postgresAnswers } from './lib/db.js';
import type { StressParams } from './lib/params.js';
import { runHostile } from './hostile/run.js';
import { aggregatorLoad, localWriters } from './load.js';
import { killAggregator, postgresOutage, redisOutage } from './faults/aggregator.js';
import { killLocal } from './faults/kill-local.js';
import { connect, throwawayDatabase } from './lib/db.js';
import { grepLogs } from './lib/privacy.js';
import { allLogs, startService } from './lib/servers.js';

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
  // A part runs when its kind (hostile, load, faults) or its own name is listed.
  const wanted = (kind: string, name: string) => p.parts.includes(kind) || p.parts.includes(name);
  const part = async (kind: Check['part'], name: string, label: string, fn: () => Promise<Check[]>) => {
    if (!wanted(kind, name)) return;
    const started = performance.now();
    log(`${kind}: ${label} …`);
    try {
      const got = await fn();
      checks.push(...got);
      log(`  ${got.filter((c) => c.held).length}/${got.length} held (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      for (const c of got.filter((x) => !x.held)) log(`  NOT HELD: ${c.tried}: ${c.observed}${c.defect ? ` (defect ${c.defect})` : ''}`);
    } catch (err) {
      const message = (err as Error).stack?.split('\n').slice(0, 3).join(' ') ?? String(err);
      checks.push({
        part: name as Check['part'],
        service: label,
        database: '',
        tried: label,
        expected: 'the part runs',
        observed: `it threw: ${message}`.slice(0, 400),
        held: false,
      });
      log(`  FAILED: ${message}`);
    }
  };
  // --hostile is per service, shared out over the databases (a different seed on each).
  const perDb = Math.ceil(p.hostile / dbs.length);
  // The two services side by side (each its own process and database), the databases one after the other.
  for (const [i, db] of dbs.entries())
    await Promise.all(
      (['local', 'aggregator'] as const).map((service) =>
        part('hostile', 'hostile', `${service} on ${db}`, () => runHostile({ service, db, count: perDb, seed: p.seed + i, log: (l) => log(`  ${l}`) })),
      ),
    );
  const loadDb = postgres ? 'postgresql' : 'sqlite';
  // Both loads at the same time (each its own server), which keeps the run inside its time budget.
  await Promise.all([
    part('load', 'load-aggregator', `aggregator on ${loadDb}`, () => aggregatorLoad({ clients: p.loadClients, seconds: p.loadSeconds, db: loadDb })),
    part('load', 'load-local', 'local API on sqlite', () =>
      localWriters({ writers: p.writers, seconds: p.writerSeconds, db: 'sqlite', rssLimitMiB: p.rssLimitMiB }),
    ),
  ]);
  if (wanted('faults', 'kill-local') && p.kills > 0) {
    // One aggregator receives the reports of every kill cycle; its database is read from the side.
    const aggDb = await throwawayDatabase(loadDb);
    const aggregator = await startService('aggregator', { AGGREGATOR_DATABASE_URL: aggDb.url, AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1000000' });
    const side = await connect(aggDb.url);
    try {
      // SQLite and PostgreSQL cycles side by side: two local servers, one aggregator.
      // --kills is shared out over the databases: 20 gives 10 each, 1 gives one on SQLite.
      const cycles = (i: number) => Math.floor(p.kills / dbs.length) + (i < p.kills % dbs.length ? 1 : 0);
      await Promise.all(
        dbs
          .filter((_, i) => cycles(i) > 0)
          .map((db) =>
            part('faults', 'kill-local', `kill -9 of the local API on ${db}`, () =>
              killLocal({ db, cycles: cycles(dbs.indexOf(db)), aggregator: { base: aggregator.base, side } }),
            ),
          ),
      );
    } finally {
      await side.close();
      await aggregator.stop();
      await aggDb.drop();
    }
  }
  if (postgres) {
    await part('faults', 'kill-aggregator', 'kill -9 of one of two aggregators', () => killAggregator({ seconds: p.outageSeconds * 2 }));
    await part('faults', 'postgres-outage', 'PostgreSQL refused and black-holed', () => postgresOutage({ seconds: p.outageSeconds }));
    await part('faults', 'redis-outage', 'Redis stopped and restarted', () => redisOutage({ seconds: p.outageSeconds }));
  } else if (['faults', 'kill-aggregator', 'postgres-outage', 'redis-outage'].some((x) => p.parts.includes(x)))
    notes.push('the aggregator faults need PostgreSQL and were not run');
  // The privacy grep over every line every service of this run wrote, whatever the part.
  const found = grepLogs(allLogs.join(''));
  const lines = allLogs.join('').split('\n').length;
  checks.push(
    {
      part: 'faults',
      service: 'both',
      database: 'all',
      tried: `every log line of the run (${lines}, debug level): client IP`,
      expected: 'absent',
      observed: found.ip.describe('lines'),
      held: found.ip.ok,
      defect: found.ip.ok ? undefined : 4,
    },
    {
      part: 'faults',
      service: 'both',
      database: 'all',
      tried: 'every log line of the run: keys and installation secrets',
      expected: 'absent',
      observed: found.secrets.describe('lines'),
      held: found.secrets.ok,
      defect: found.secrets.ok ? undefined : 4,
    },
  );
  // The table in a fixed order whatever finished first: hostile, load, faults; local, aggregator, both.
  const order = (c: Check) => ['hostile', 'load', 'faults'].indexOf(c.part) * 10 + ['local', 'aggregator', 'both'].indexOf(c.service);
  checks.sort((a, b) => order(a) - order(b));
  return {
    checks,
    notes,
    databases: postgres
      ? 'SQLite (a file, WAL), PostgreSQL, a redis-server of its own; all on this machine'
      : 'SQLite (a file, WAL), a redis-server of its own',
  };
}
