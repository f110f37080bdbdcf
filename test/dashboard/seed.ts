/**
 * A fleet for the dashboard tests: `installations` installations over 12 ISO weeks ending now (real
 * time, so the built server started afterwards sees them as recent), stored through the real ingest
 * service (submitReport: validation, authentication, rollups) in-process, without HTTP.
 */
import { randomUUID } from 'node:crypto';

import type { UsageReport } from '../../common/report/contract.js';
import { API_KEY, createTestAggregator, makeReport, secretFor } from '../../aggregator/test/helpers/aggregator.js';
import { submitReport } from '../../aggregator/src/ingest.js';
import type { TempDatabase } from '../helpers/temp-database.js';

const DAY = 86_400_000;
const WEEKS = 12;

/** A deterministic pseudo-random sequence, so every run seeds the same shape. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const pick = <T>(r: () => number, items: readonly (readonly [T, number])[]): T => {
  let x = r() * items.reduce((n, [, w]) => n + w, 0);
  for (const [item, w] of items) if ((x -= w) < 0) return item;
  return items.at(-1)![0];
};

type Platform = UsageReport['installation']['platform'];
type Mode = UsageReport['installation']['deploymentMode'];

export interface Seeded {
  ids: string[];
  submitted: number;
}

export async function seedFleet(db: TempDatabase, installations = 1000): Promise<Seeded> {
  const now = Date.now();
  const t = await createTestAggregator({ db, now: new Date(now).toISOString(), env: { AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1000000' } });
  // Closed on failure too: an open aggregator would keep the test process alive after a refused seed.
  try {
    const r = random(42);
    const fleet = Array.from({ length: installations }, (_, i) => ({
      id: randomUUID(),
      // The fleet grows: later installations start reporting in later weeks; a few stop.
      start: Math.floor(r() ** 1.6 * WEEKS),
      stop: 0,
      platform: pick<Platform>(r, [
        ['LINUX', 70],
        ['WINDOWS', 15],
        ['MACOS', 12],
        ['OTHER', 3],
      ]),
      mode: pick<Mode>(r, [
        ['HOME_ASSISTANT', 40],
        ['DOCKER', 35],
        ['RASPBERRY_PI', 15],
        ['STANDALONE', 10],
      ]),
      country:
        i < 3
          ? 'IS'
          : pick<string | null>(r, [
              ['DE', 35],
              ['US', 25],
              ['GB', 10],
              ['FR', 8],
              ['NL', 7],
              ['IT', 5],
              [null, 10],
            ]),
      upgradeWeek: Math.floor(r() * WEEKS * 1.3),
      printers: pick(r, [
        [[{ type: 'bambu_lab', model: 'P1S', count: 1 }], 30],
        [[{ type: 'bambu_lab', model: 'X1C', count: 2 }], 15],
        [[{ type: 'prusa', model: 'MK4S', count: 1 }], 20],
        [
          [
            { type: 'prusa', model: 'MK4S', count: 1 },
            { type: 'bambu_lab', model: 'A1', count: 1 },
          ],
          15,
        ],
        [[{ type: 'creality', model: 'K1', count: 3 }], 10],
        [[{ type: 'octoprint', model: 'other', count: 1 }], 10],
      ] as const),
      timelapse: r() < 0.55,
      downloads: r() < 0.8,
      notificationsWeek: Math.floor(r() * WEEKS * 1.5),
      flaky: r() < 0.25,
    }));
    // A few stop reporting, each after at least one week.
    for (const f of fleet) f.stop = r() < 0.08 ? f.start + 1 + Math.floor(r() * (WEEKS - f.start)) : WEEKS;
    let submitted = 0;
    for (let week = 0; week < WEEKS; week++) {
      // Each week's reports arrive 2 hours before "now" minus whole weeks: one distinct ISO week each.
      const at = new Date(now - (WEEKS - 1 - week) * 7 * DAY - 2 * 3_600_000);
      t.clock.set(at.toISOString());
      const end = new Date(Math.floor(at.getTime() / DAY) * DAY).toISOString();
      const batch = fleet
        .filter((f) => week >= f.start && week < f.stop)
        .map((f, n) => {
          const version =
            f.id === fleet[5].id || f.id === fleet[6].id ? '2.43.0-rc.1' : week >= f.upgradeWeek ? '2.42.0' : week >= f.upgradeWeek / 2 ? '2.41.0' : '2.40.0';
          const report = makeReport({
            installationId: f.id,
            end,
            days: 7,
            // First seen before the 12 weeks: the aggregator refuses a firstSeenOn after its own today.
            installation: { appVersion: version, platform: f.platform, deploymentMode: f.mode, countryCode: f.country, firstSeenOn: '2025-01-01' },
            fleet: { printerCount: f.printers.reduce((c, p) => c + p.count, 0), printerTypes: f.printers.map((p) => ({ ...p })), partial: false },
            features: [
              { feature: 'timelapse', enabled: f.timelapse },
              { feature: 'auto_download', enabled: f.downloads },
              { feature: 'notifications', enabled: week >= f.notificationsWeek },
              ...(n % 300 === 0 ? [{ feature: 'experimental_slicer', enabled: true }] : []),
            ],
            errors: [
              ...(f.flaky ? [{ errorType: 'timeout', component: 'mqtt', count: 1 + (n % 4) }] : []),
              ...(n % 7 === 0 ? [{ errorType: 'auth_failed', component: 'ftp', count: 1 }] : []),
              ...(n % 11 === 0 ? [{ errorType: 'unknown', component: null, count: 2 }] : []),
              ...(n === 1 ? [{ errorType: 'crash', component: 'camera', count: 1 }] : []),
            ],
          });
          return report;
        });
      // In parallel, so SQLite's group commit stores many per transaction.
      const em = t.app.services.orm.em;
      for (let i = 0; i < batch.length; i += 100)
        await Promise.all(
          batch.slice(i, i + 100).map((report) =>
            submitReport(t.app.services, em.fork(), report, {
              apiKey: API_KEY,
              secret: secretFor(report.installation.installationId),
              address: '203.0.113.9',
            }),
          ),
        );
      submitted += batch.length;
    }
    return { ids: fleet.map((f) => f.id), submitted };
  } finally {
    await t.close();
  }
}
