/**
 * npm run bench: every goal of issue 10 as a ratio against a baseline measured in the same run,
 * never an absolute threshold in a test. SQLite always; PostgreSQL and Redis when they answer
 * (each skipped with one line otherwise). A part that is missing or throws is reported in one line
 * and the rest goes on. Prints one table and writes it, with the machine and versions, into the
 * marked block of bench/results.md (the rest of that file, the profiles, is left as it is).
 *
 * Shorter runs: BENCH_QUICK=1 (smaller sizes everywhere), BENCH_PARTS=ingest,summary,local,
 * rate-limit,startup,writers (a subset), BENCH_SECONDS (autocannon duration, default 10);
 * BENCH_RESULTS=path writes the block there instead.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { DatabaseKind } from '../common/db.js';
import { startLocalApp } from './lib/apps.js';
import { postgresAnswers } from './lib/databases.js';
import type { BenchRow } from './lib/row.js';

const root = join(import.meta.dirname, '..');
const QUICK = Boolean(process.env.BENCH_QUICK);
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 3 : 10));
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PARTS = process.env.BENCH_PARTS?.split(',').map((p) => p.trim());
const wanted = (part: string) => !PARTS || PARTS.includes(part);

function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

// --- normalising what the parts return ---------------------------------------------------------

const text = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? `${v}` : v.toFixed(2)) : typeof v === 'string' ? v : '');
const ratioOf = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? Number.parseFloat(v) : Number.NaN);

/** The issue's goal for a row that did not state one (ingest rows carry measure and ratio only). */
function inferredGoal(measure: string, database: string): { goal: string; test: (r: number) => boolean } | null {
  if (/p99/i.test(measure)) return { goal: '≤ 3×', test: (r) => r <= 3 };
  if (/submitReport/i.test(measure) && /req\/s/.test(measure)) {
    const onSqliteAlone = database === 'sqlite' && !/redis/i.test(measure);
    return onSqliteAlone ? { goal: '≥ 0.5×', test: (r) => r >= 0.5 } : { goal: '≥ 0.4×', test: (r) => r >= 0.4 };
  }
  return null;
}

function toRows(part: string, database: string, result: unknown): BenchRow[] {
  if (!Array.isArray(result)) throw new Error(`returned ${typeof result}, not a list of rows`);
  return result.map((raw: Record<string, unknown>) => {
    const measure = text(raw.measure ?? raw.name);
    const db = text(raw.database ?? raw.db) || database;
    const ratio = ratioOf(raw.ratio);
    const inferred = typeof raw.goal === 'string' ? null : inferredGoal(measure, db);
    return {
      part: text(raw.part) || part,
      database: db,
      measure,
      baseline: text(raw.baseline),
      measured: text(raw.measured),
      ratio,
      // A row without a goal (the server CPU beside the ratio it explains) is a figure: '—' under met?.
      goal: typeof raw.goal === 'string' ? raw.goal : (inferred?.goal ?? '(figure)'),
      met: typeof raw.met === 'boolean' ? raw.met : Boolean(inferred?.test(ratio)),
    };
  });
}

// --- the one measure kept from the old bench ---------------------------------------------------

/** 50 concurrent recordUsageEvent calls against one at a time on the local API: all must succeed. */
async function benchWriters(o: { db: DatabaseKind }): Promise<BenchRow[]> {
  const t = await startLocalApp(o.db);
  try {
    const ONE = `mutation { recordUsageEvent(input: { type: JOB_CREATED }) { event { id } } }`;
    const N = QUICK ? 200 : 1000;
    for (let i = 0; i < 50; i++) await t.ok(ONE);
    let start = performance.now();
    for (let i = 0; i < N; i++) await t.ok(ONE);
    const serial = N / ((performance.now() - start) / 1000);
    start = performance.now();
    for (let w = 0; w < N; w += 50) await Promise.all(Array.from({ length: 50 }, () => t.ok(ONE)));
    const concurrent = N / ((performance.now() - start) / 1000);
    return [
      {
        part: 'writers',
        database: o.db,
        measure: `recordUsageEvent, 50 concurrent writers vs one at a time (events/s, ${N} each, all succeed)`,
        baseline: `${serial.toFixed(0)}/s`,
        measured: `${concurrent.toFixed(0)}/s`,
        ratio: concurrent / serial,
        // Not a goal of the issue: kept to show that concurrent writers all succeed (no SQLITE_BUSY).
        goal: 'all succeed',
        met: true,
      },
    ];
  } finally {
    await t.close();
  }
}

// --- running the parts -------------------------------------------------------------------------

type PartFn = (options: Record<string, unknown>) => Promise<unknown>;

/** A part's function from its module, or null (with the reason) when the file or export is missing. */
async function load(file: string, name: string): Promise<PartFn | string> {
  try {
    const mod = (await import(file)) as Record<string, unknown>;
    return typeof mod[name] === 'function' ? (mod[name] as PartFn) : `${file} has no export ${name}`;
  } catch (err) {
    return `${file} could not be loaded: ${(err as Error).message.split('\n')[0]}`;
  }
}

const rows: BenchRow[] = [];
const notes: string[] = [];
const note = (line: string) => {
  notes.push(line);
  console.error(line);
};

async function run(part: string, database: string, label: string, fn: PartFn | string, options: Record<string, unknown>): Promise<void> {
  if (!wanted(part)) return;
  if (typeof fn === 'string') {
    note(`${part} (${label}): not measured: ${fn}`);
    return;
  }
  const start = performance.now();
  console.error(`${part} (${label}) …`);
  try {
    const got = toRows(part, database, await fn(options));
    rows.push(...got);
    for (const r of got) console.error(`  ${r.measure}: ${r.baseline} → ${r.measured} (${r.ratio.toFixed(2)}×)`);
    console.error(`  ${((performance.now() - start) / 1000).toFixed(0)} s`);
  } catch (err) {
    note(`${part} (${label}): failed after ${((performance.now() - start) / 1000).toFixed(0)} s: ${(err as Error).message.split('\n')[0]}`);
  }
}

// A part that leaves a promise rejected behind it (a server's late error) must not end the run.
process.on('unhandledRejection', (err) => note(`unhandled rejection during the run: ${String((err as Error)?.message ?? err).split('\n')[0]}`));

const began = performance.now();
// Other work on the machine moves absolute figures (not the ratios as much): the load is recorded with them.
const loadAtStart = loadavg()[0];
const postgres = await postgresAnswers();
const redis = await redisAnswers(REDIS_URL);
const kinds: DatabaseKind[] = postgres ? ['sqlite', 'postgresql'] : ['sqlite'];
if (!postgres) note('PostgreSQL: not measured (no answer from BENCH_POSTGRES_URL / TEST_POSTGRES_URL / 127.0.0.1:5432)');
if (!redis) note(`Redis: not measured (no answer from ${REDIS_URL})`);

const ingest = await load('./ingest.js', 'benchIngest');
await run('ingest', 'sqlite', 'SQLite', ingest, { db: 'sqlite', redis: false, seconds: SECONDS });
if (postgres) await run('ingest', 'postgresql', 'PostgreSQL', ingest, { db: 'postgresql', redis: false, seconds: SECONDS });
if (postgres && redis) await run('ingest', 'postgresql', 'PostgreSQL + Redis', ingest, { db: 'postgresql', redis: true, seconds: SECONDS });

const summary = await load('./summary.js', 'benchSummary');
for (const db of kinds) await run('summary', db, db, summary, { db });

const local = await load('./local.js', 'benchLocal');
for (const db of kinds) await run('local', db, db, local, { db, log: (line: string) => console.error(`  ${line}`) });

const rateLimit = await load('./lib/rate-limit.js', 'benchRateLimit');
await run('rate-limit', 'memory', redis ? 'memory, Redis' : 'memory', rateLimit, { redisUrl: redis ? REDIS_URL : null });

const startup = await load('./startup.js', 'benchStartup');
await run('startup', 'sqlite', 'built vs tsx', startup, { runs: QUICK ? 1 : 3 });

for (const db of kinds) await run('writers', db, db, benchWriters as PartFn, { db });
await run('plugins', '—', 'worker vs in-process', await load('./plugins.js', 'benchPlugins'), { calls: QUICK ? 200 : 2000 });

// --- the table and bench/results.md ------------------------------------------------------------

const HEAD = ['part', 'database', 'measure', 'baseline', 'measured', 'ratio', 'goal', 'met?'];
const cells = rows.map((r) => [
  r.part,
  r.database,
  r.measure,
  r.baseline,
  r.measured,
  Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '?',
  r.goal,
  r.goal.startsWith('(') ? '—' : r.met ? 'yes' : '**no**',
]);
const table = [HEAD, ...cells].map((r) => `| ${r.join(' | ')} |`);
table.splice(1, 0, `|${HEAD.map(() => '---').join('|')}|`);

const version = (pkg: string) => {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
};
const env = ['BENCH_QUICK', 'BENCH_PARTS', 'BENCH_SECONDS', 'BENCH_SUMMARY_SIZES', 'BENCH_LOCAL_EVENTS', 'BENCH_LOCAL_WRITES', 'BENCH_RATE_LIMIT_CALLS']
  .filter((k) => process.env[k] !== undefined)
  .map((k) => `${k}=${process.env[k]} `)
  .join('');
const cpu = cpus();
const block = [
  '<!-- bench:table:start -->',
  '<!-- Written by `npm run bench` (bench/run.ts); everything outside this block is left alone. -->',
  '',
  `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; whole run ${((performance.now() - began) / 60_000).toFixed(1)} min`,
  `- Machine: ${cpu[0]?.model.trim() ?? '?'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`,
  `- Load average (1 min) at the start / end of the run: ${loadAtStart.toFixed(1)} / ${loadavg()[0].toFixed(1)}`,
  `- Node ${process.version}, ${osType()} ${release()}`,
  `- Packages: ${['graphql', 'graphql-yoga', '@mikro-orm/core', 'sqlite3', 'pg'].map((p) => `${p} ${version(p)}`).join(', ')}`,
  `- Databases: SQLite (a file, WAL)${postgres ? ', PostgreSQL' : ' only (PostgreSQL did not answer)'}${redis ? ', Redis' : ' (Redis did not answer)'}, all on this machine`,
  `- Command: \`${env}npm run bench\``,
  '',
  ...table,
  ...(notes.length ? ['', 'Not measured in this run:', '', ...notes.map((n) => `- ${n}`)] : []),
  '',
  '<!-- bench:table:end -->',
].join('\n');

console.log(`\n${table.join('\n')}`);
if (notes.length) console.log(`\n${notes.join('\n')}`);

// BENCH_RESULTS writes elsewhere (trial runs), starting from bench/results.md when that file is new.
const file = process.env.BENCH_RESULTS ?? join(root, 'bench', 'results.md');
const current = existsSync(file) ? readFileSync(file, 'utf8') : readFileSync(join(root, 'bench', 'results.md'), 'utf8');
const marked = /<!-- bench:table:start -->[\s\S]*?<!-- bench:table:end -->/;
const next = marked.test(current) ? current.replace(marked, () => block) : current.replace(/^(# [^\n]*\n)/, (h) => `${h}\n${block}\n`);
writeFileSync(file, next);
console.log(`\nWritten to ${file} (${((performance.now() - began) / 60_000).toFixed(1)} min).`);
