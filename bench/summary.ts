/**
 * npx tsx bench/summary.ts: p50 of the public statsSummary at 10k installations / 100k reports and
 * at 100k / 1M, on SQLite and (when it answers) PostgreSQL, and the ratio of the two. The fleet is
 * seeded in bulk (bench/lib/fleet.ts); first a sample of it is checked against what submitReport
 * really writes. Sizes: BENCH_SUMMARY_SIZES="10000x10,100000x10" (installations x reports each;
 * BENCH_QUICK=1 takes a tenth). npm run bench calls benchSummary() per database.
 */
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { ManualClock } from '../common/clock.js';
import type { DatabaseKind } from '../common/db.js';
import { query, toDate, toInt } from '../common/sql.js';
import { createAggregatorApp, type AggregatorApp } from '../aggregator/src/app.js';
import { API_KEY, benchAggregatorConfig } from './lib/apps.js';
import { postgresAnswers, throwawayDatabase, type ThrowawayDatabase } from './lib/databases.js';
import { openBulkWriter, seedFleet } from './lib/bulk-insert.js';
import { FLEET_NOW, fleetReport, installationIdOf, receivedAt, secretOf } from './lib/fleet.js';
import type { BenchRow } from './lib/row.js';

const SUMMARY = `{ statsSummary { generatedAt reportsAccepted installationsEverReported activeInstallations lastReportReceivedAt printersOfActiveInstallations
  printersByType { key count share } printersByModel { key count share } installationsByAppVersion { key count share } installationsByPlatform { key count share }
  installationsByDeploymentMode { key count share } installationsByCountry { key count share } featureAdoption { feature enabledInstallations share }
  weekly(weeks: 12) { weekStart reportingInstallations reportsReceived jobsCompletedInReportsReceived } } }`;
const SUBMIT = `mutation Submit($input: UsageReportInput!) { submitReport(input: $input) { duplicate } }`;

interface Instance {
  app: AggregatorApp;
  clock: ManualClock;
  db: ThrowawayDatabase;
  gql(query: string, variables?: unknown, headers?: Record<string, string>): Promise<unknown>;
  close(): Promise<void>;
}

async function instance(kind: DatabaseKind): Promise<Instance> {
  const db = await throwawayDatabase(kind);
  const clock = new ManualClock(new Date(FLEET_NOW));
  const app = await createAggregatorApp({ config: benchAggregatorConfig(db.url), clock });
  return {
    app,
    clock,
    db,
    async gql(q, variables, headers = {}) {
      const res = await app.yoga.fetch(
        'http://bench/graphql',
        { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: q, variables }) },
        { req: { socket: { remoteAddress: '127.0.0.1' } } },
      );
      const body = (await res.json()) as { data?: unknown; errors?: unknown[] };
      if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data;
    },
    async close() {
      await app.stop();
      await db.drop();
    },
  };
}

/** Every row of the three tables, decoded the same way whatever the driver returned. */
async function tables(app: AggregatorApp) {
  const em = app.services.orm.em.fork();
  const norm = (row: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => {
        if (/_at$|^period_|_end$/.test(k)) return [k, toDate(v)?.getTime()];
        if (['printer_types', 'features', 'payload'].includes(k)) return [k, typeof v === 'string' ? (JSON.parse(v) as unknown) : v];
        if (typeof v === 'string' && /^\d+$/.test(v) && k !== 'id' && !k.endsWith('_id')) return [k, toInt(v)];
        return [k, v];
      }),
    );
  const all = async (text: string) => (await query<Record<string, unknown>>(em, text)).map(norm);
  return {
    installation: await all('select * from installation order by id'),
    installation_week: await all('select * from installation_week order by installation_id, week_start'),
    report: await all('select * from report order by id'),
  };
}

/** Seeds a sample in bulk and submits the same reports through submitReport: the rows must be equal. */
async function checkSample(kind: DatabaseKind, reportsEach: number): Promise<void> {
  const [seeded, real] = [await instance(kind), await instance(kind)];
  try {
    const raw = await openBulkWriter(kind, seeded.db.url);
    await seedFleet(raw, kind, { from: 0, to: 12, reportsEach });
    await raw.close();
    for (let i = 0; i < 12; i++)
      for (let j = 0; j < reportsEach; j++) {
        real.clock.set(receivedAt(i, j, reportsEach));
        const id = installationIdOf(i);
        await real.gql(SUBMIT, { input: fleetReport(i, j, reportsEach) }, { 'x-api-key': API_KEY, 'x-installation-secret': secretOf(id) });
      }
    const [a, b] = [await tables(seeded.app), await tables(real.app)];
    for (const table of Object.keys(a) as (keyof typeof a)[]) {
      if (!a[table].length || !isDeepStrictEqual(a[table], b[table]))
        throw new Error(`${kind}: seeded ${table} rows differ from what submitReport writes:\n${JSON.stringify(a[table][0])}\n${JSON.stringify(b[table][0])}`);
    }
    console.log(`${kind}: sample of 12 installations × ${reportsEach} reports: seeded rows equal submitReport's (installation, installation_week, report)`);
  } finally {
    await seeded.close();
    await real.close();
  }
}

async function p50(times: number, run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return samples.sort((x, y) => x - y)[Math.floor(samples.length / 2)];
}

async function measure(kind: DatabaseKind, installations: number, reportsEach: number) {
  const t = await instance(kind);
  try {
    let start = performance.now();
    const raw = await openBulkWriter(kind, t.db.url);
    await seedFleet(raw, kind, { to: installations, reportsEach });
    if (kind === 'postgresql') await raw.run('analyze');
    await raw.close();
    const seedMs = performance.now() - start;
    start = performance.now();
    await t.app.services.summary.refresh();
    const snapshotMs = performance.now() - start;
    const median = await p50(51, () => t.gql(SUMMARY));
    return { installations, reports: installations * reportsEach, seedMs, snapshotMs, median };
  } finally {
    await t.close();
  }
}

export interface SummaryFigures {
  database: DatabaseKind;
  installations: number;
  reports: number;
  seedMs: number;
  snapshotMs: number;
  median: number;
}

type Sizes = [installations: number, reportsEach: number][];
const sizesFrom = (text: string): Sizes => text.split(',').map((s) => s.split('x').map(Number) as [number, number]);
export const SUMMARY_SIZES: Sizes = sizesFrom(process.env.BENCH_SUMMARY_SIZES ?? (process.env.BENCH_QUICK ? '1000x10,10000x10' : '10000x10,100000x10'));

/** The sample check, then statsSummary's p50 at each size (smallest first) on one database. */
export async function summaryFigures(kind: DatabaseKind, sizes: Sizes = SUMMARY_SIZES): Promise<SummaryFigures[]> {
  await checkSample(kind, sizes[0][1]);
  const out: SummaryFigures[] = [];
  for (const [n, each] of sizes) out.push({ database: kind, ...(await measure(kind, n, each)) });
  return out;
}

const thousands = (n: number) => (n >= 1000 ? `${n / 1000}k` : `${n}`).replace('000k', 'M');

/** For npm run bench: p50 at the largest size vs the smallest, and the time the largest fleet took to seed. */
export async function benchSummary(o: { db: DatabaseKind; sizes?: Sizes }): Promise<BenchRow[]> {
  const figures = await summaryFigures(o.db, o.sizes);
  const [small, large] = [figures[0], figures.at(-1)!];
  const size = (f: SummaryFigures) => `${thousands(f.installations)}/${thousands(f.reports)}`;
  const ratio = large.median / small.median;
  return [
    {
      part: 'summary',
      database: o.db,
      measure: `statsSummary p50 at ${size(large)} vs ${size(small)} installations/reports`,
      baseline: `${small.median.toFixed(2)} ms`,
      measured: `${large.median.toFixed(2)} ms`,
      ratio,
      goal: '≤ 1.5×, p50 < 50 ms',
      met: ratio <= 1.5 && large.median < 50,
    },
    {
      part: 'summary',
      database: o.db,
      measure: `seeding ${size(large)} in bulk vs the minute allowed`,
      baseline: '60 s',
      measured: `${(large.seedMs / 1000).toFixed(1)} s`,
      ratio: large.seedMs / 60_000,
      goal: '≤ 1×',
      met: large.seedMs <= 60_000,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const kinds: DatabaseKind[] = (await postgresAnswers()) ? ['sqlite', 'postgresql'] : ['sqlite'];
  const lines = ['| database | installations / reports | seeded in | snapshot computed in | statsSummary p50 | vs smallest |', '|---|---|---|---|---|---|'];
  for (const kind of kinds) {
    const figures = await summaryFigures(kind);
    for (const r of figures)
      lines.push(
        `| ${kind} | ${r.installations.toLocaleString('en')} / ${r.reports.toLocaleString('en')} | ${(r.seedMs / 1000).toFixed(1)} s | ${r.snapshotMs.toFixed(0)} ms | ${r.median.toFixed(2)} ms | ${(r.median / figures[0].median).toFixed(2)}× |`,
      );
  }
  console.log(`\n${lines.join('\n')}`);
}
