/**
 * A sample installation, entered through the local API as Printernizer's backend would: five printers
 * of the two first-party plugins, and four weeks of backdated events from a fixed pseudo-random
 * sequence (the same demo every time).
 */
import type { RecordUsageEventInput } from '../../clients/local/__generated__/graphql.js';
import { AddPrinterDocument, OptInDocument, RecordUsageEventsDocument } from '../../clients/local/__generated__/graphql.js';
import { requestData } from '../../clients/request.js';

const PRINTERS = [
  { name: 'Workshop X1 Carbon', type: 'bambu_lab', model: 'X1C' },
  { name: 'Office P1S', type: 'bambu_lab', model: 'P1S' },
  { name: 'Kids A1 mini', type: 'bambu_lab', model: 'A1 mini' },
  { name: 'Desk MK4S', type: 'prusa', model: 'MK4S' },
  { name: 'Shelf MINI', type: 'prusa', model: 'MINI' },
];

const DAY_MS = 86_400_000;

/** mulberry32: small, seeded, good enough for sample data. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Events for each of the `days` days before now, oldest first. */
export function sampleEvents(now: Date, days: number): RecordUsageEventInput[] {
  const next = random(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const events: RecordUsageEventInput[] = [];
  const at = (dayStart: number) => new Date(dayStart + Math.floor(next() * DAY_MS)).toISOString();
  for (let d = days; d >= 1; d--) {
    const dayStart = Math.floor(now.getTime() / DAY_MS) * DAY_MS - d * DAY_MS;
    if (d === days) events.push({ type: 'FEATURE_ENABLED', feature: 'timelapse', occurredAt: at(dayStart) });
    for (let j = 0, jobs = 2 + Math.floor(next() * 5); j < jobs; j++) {
      const printerType = pick(PRINTERS).type;
      const outcome = next();
      events.push({ type: 'FILE_UPLOADED', fileSizeBytes: Math.round(2e5 + next() * 8e6), occurredAt: at(dayStart) });
      events.push({ type: 'JOB_CREATED', printerType, autoCreated: next() < 0.3, occurredAt: at(dayStart) });
      const durationSeconds = Math.round(600 + next() * 20_000);
      if (outcome < 0.8) events.push({ type: 'JOB_COMPLETED', printerType, durationSeconds, occurredAt: at(dayStart) });
      else if (outcome < 0.92) events.push({ type: 'JOB_FAILED', printerType, durationSeconds, occurredAt: at(dayStart) });
      else events.push({ type: 'JOB_CANCELLED', printerType, durationSeconds, occurredAt: at(dayStart) });
    }
    if (next() < 0.5) events.push({ type: 'FILE_DOWNLOADED', fileSizeBytes: Math.round(1e5 + next() * 3e6), occurredAt: at(dayStart) });
    if (next() < 0.3) events.push({ type: 'PRINTER_CONNECTED', printerType: pick(PRINTERS).type, occurredAt: at(dayStart) });
    if (next() < 0.2)
      events.push({
        type: 'ERROR_OCCURRED',
        errorType: pick(['connection_timeout', 'filament_runout', 'nozzle_clog']),
        component: 'mqtt',
        occurredAt: at(dayStart),
      });
  }
  return events.sort((a, b) => String(a.occurredAt).localeCompare(String(b.occurredAt)));
}

/** Adds the printers, records the events in batches, and opts in. Returns how many events were recorded. */
export async function seed(localUrl: string, now: Date, days: number): Promise<{ printers: number; events: number }> {
  const endpoint = `${localUrl}/graphql`;
  for (const p of PRINTERS) await requestData(endpoint, AddPrinterDocument, { input: p });
  const events = sampleEvents(now, days);
  let recorded = 0;
  for (let i = 0; i < events.length; i += 500) {
    const d = await requestData(endpoint, RecordUsageEventsDocument, { input: { events: events.slice(i, i + 500) } });
    recorded += d.recordUsageEvents?.recordedCount ?? 0;
  }
  await requestData(endpoint, OptInDocument, { input: { shareCountry: true } });
  return { printers: PRINTERS.length, events: recorded };
}
