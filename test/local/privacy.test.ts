import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import type { UsageReport } from '../../common/report/contract.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseKinds } from '../helpers/databases.js';

/** A small seeded PRNG (mulberry32), so a failure can be reproduced from its seed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type SubmissionStatus = 'PENDING' | 'SENT' | 'REJECTED' | 'CANCELLED';
interface SubmitData {
  submitUsageReport: { submission: { status: SubmissionStatus; payload: UsageReport } } | null;
}

const SEED = Number(process.env.PRIVACY_SEED ?? 20261128);

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestApp }>(`privacy property [${db}]`);
  test.after.each(async (ctx) => {
    await ctx.t.close();
  });

  test(`no printer name, serial or host reaches the report or the submission payload (seed ${SEED})`, async (ctx) => {
    // The aggregator is unreachable: the report is built into the outbox and stays there.
    const refused = async () => {
      throw new TypeError('fetch failed');
    };
    const t = (ctx.t = await createTestApp({ db, delivery: { transport: refused, minBackoffMs: 1 }, env: { USAGE_STATS_RETRY_COUNT: '0' } }));
    await t.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
    const random = rng(SEED);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    const token = (n: number) => Array.from({ length: n }, () => pick([...'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'])).join('');
    const secrets: string[] = [];
    for (let i = 0; i < 120; i++) {
      const type = pick(['bambu_lab', 'prusa'] as const);
      const name = `${pick(['Workshop', 'Büro', 'Garage', 'Lab'])} ${token(8)}`;
      const serial = type === 'bambu_lab' ? `${pick(['00M', '01P', '01S', '030', '039', '094', 'ZZZ'])}${token(12)}` : `CZPX${token(10)}`;
      const host = pick([`192.168.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`, `${token(6).toLowerCase()}.local`, `printer-${token(5)}.lan`]);
      const model = type === 'prusa' ? pick(['1.4.0', 'MK3S', 'Original Prusa MINI', '7.1.0', null]) : pick(['C12', 'N1', null]);
      await t.ok(`mutation($input: AddPrinterInput!) { addPrinter(input: $input) { printer { id } } }`, { input: { name, type, serial, host, model } });
      secrets.push(name, name.split(' ')[1], serial, serial.slice(3), host);
    }
    const report = JSON.stringify((await t.ok<{ reportPreview: { json: UsageReport } }>(`{ reportPreview { json } }`)).reportPreview.json);
    assert.is((JSON.parse(report) as UsageReport).fleet.printerCount, 120);
    for (const secret of secrets) assert.not.ok(report.includes(secret), `"${secret}" leaked into the report`);
    assert.not.match(report, /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/, 'no IP address');
    assert.not.match(report, /\.local|\.lan/, 'no host name');
    const sub = (await t.ok<SubmitData>(`mutation { submitUsageReport { submission { status payload } } }`)).submitUsageReport!.submission;
    assert.is(sub.status, 'PENDING');
    const payload = JSON.stringify(sub.payload);
    assert.is((JSON.parse(payload) as UsageReport).fleet.printerCount, 120);
    for (const secret of secrets) assert.not.ok(payload.includes(secret), `"${secret}" leaked into the submission payload`);
  });

  test.run();
}
