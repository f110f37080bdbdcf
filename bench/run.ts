/**
 * npm run bench: speed as ratios against a baseline measured in the same run, never absolute
 * thresholds. SQLite always; PostgreSQL too when it answers.
 *
 * 1. statsSummary with 10× the stored reports vs the baseline (same installations): should stay ~1.
 * 2. reportPreview over 10× the events vs the baseline: SQL aggregation, so well under 10×.
 * 3. recordUsageEvents in batches of 100 vs one recordUsageEvent per event (events per second).
 * 4. 50 concurrent writers vs one writer at a time (local API, events per second).
 */
import { performance } from 'node:perf_hooks';

import type { DatabaseKind } from '../common/db.js';
import { sampleReport, startAggregator, startLocalApp } from './lib/apps.js';
import { postgresAnswers } from './lib/databases.js';

async function median(times: number, run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

const rows: string[][] = [];
const row = (db: string, what: string, baseline: string, measured: string, ratio: number) => rows.push([db, what, baseline, measured, `${ratio.toFixed(2)}×`]);

async function summaryCost(db: DatabaseKind) {
  const t = await startAggregator(db);
  const SUMMARY = `{ statsSummary { reportsAccepted activeInstallations printersOfActiveInstallations installationsByAppVersion { key count } printersByModel { key count } weekly(weeks: 12) { reportsReceived } } }`;
  const ids = Array.from({ length: 100 }, () => crypto.randomUUID());
  const day = (i: number) => new Date(Date.UTC(2026, 10, 28) - i * 86_400_000).toISOString();
  for (const id of ids) await t.submit(sampleReport({ installationId: id, end: day(0), days: 1 }));
  const base = await median(15, () => t.ok(SUMMARY));
  for (let r = 1; r < 10; r++) for (const id of ids) await t.submit(sampleReport({ installationId: id, end: day(r), days: 1 }));
  const tenfold = await median(15, () => t.ok(SUMMARY));
  row(db, 'statsSummary: 1000 vs 100 stored reports (100 installations)', `${base.toFixed(1)} ms`, `${tenfold.toFixed(1)} ms`, tenfold / base);
  await t.close();
}

async function previewCost(db: DatabaseKind) {
  const t = await startLocalApp(db);
  await t.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
  const batch = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      type: i % 3 ? 'JOB_COMPLETED' : 'FILE_UPLOADED',
      occurredAt: new Date(Date.UTC(2026, 10, 22) + (i % 500) * 60_000).toISOString(),
    }));
  const add = async (n: number) => {
    for (let i = 0; i < n; i += 1000)
      await t.ok(`mutation($e: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $e }) { recordedCount } }`, { e: batch(Math.min(1000, n - i)) });
  };
  await add(2_000);
  const base = await median(9, () => t.ok(`{ reportPreview { usage { jobsCompleted } } }`));
  await add(18_000);
  const tenfold = await median(9, () => t.ok(`{ reportPreview { usage { jobsCompleted } } }`));
  row(db, 'reportPreview: 20000 vs 2000 events in the period', `${base.toFixed(1)} ms`, `${tenfold.toFixed(1)} ms`, tenfold / base);
  await t.close();
}

async function writeThroughput(db: DatabaseKind) {
  const t = await startLocalApp(db);
  const ONE = `mutation { recordUsageEvent(input: { type: JOB_CREATED }) { event { id } } }`;
  const N = 500;
  let start = performance.now();
  for (let i = 0; i < N; i++) await t.ok(ONE);
  const single = N / ((performance.now() - start) / 1000);
  start = performance.now();
  for (let i = 0; i < N; i += 100)
    await t.ok(`mutation($e: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $e }) { recordedCount } }`, {
      e: Array.from({ length: 100 }, () => ({ type: 'JOB_CREATED' })),
    });
  const batched = N / ((performance.now() - start) / 1000);
  row(db, 'recordUsageEvents (batches of 100) vs recordUsageEvent, events/s', `${single.toFixed(0)}/s`, `${batched.toFixed(0)}/s`, batched / single);
  start = performance.now();
  for (let w = 0; w < N; w += 50) await Promise.all(Array.from({ length: 50 }, () => t.ok(ONE)));
  const concurrent = N / ((performance.now() - start) / 1000);
  row(db, '50 concurrent writers vs one at a time, events/s (all succeed)', `${single.toFixed(0)}/s`, `${concurrent.toFixed(0)}/s`, concurrent / single);
  await t.close();
}

const kinds: DatabaseKind[] = (await postgresAnswers()) ? ['sqlite', 'postgresql'] : ['sqlite'];
for (const db of kinds) {
  await summaryCost(db);
  await previewCost(db);
  await writeThroughput(db);
}
const table = [['database', 'measure', 'baseline', 'measured', 'ratio'], ...rows];
const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const [i, r] of table.entries()) {
  console.log(`| ${r.map((c, j) => c.padEnd(widths[j])).join(' | ')} |`);
  if (i === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
}
console.log(`\n${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}, ${(await import('node:os')).cpus().length} cores`);
