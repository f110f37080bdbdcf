/**
 * Load: many clients against the aggregator (new reports, exact duplicates, concurrent copies and
 * summaries) and many event writers against the local API, each for a fixed time. What must hold:
 * only RATE_LIMITED refusals, exactly the accepted reports stored, the per-installation limit
 * exact, no acknowledged event lost, RSS bounded.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import { Failures, type Check } from './lib/check.js';
import { connect, throwawayDatabase } from './lib/db.js';
import { gql, type RawResponse } from './lib/http.js';
import { ownRedis } from './lib/redis.js';
import { API_KEY, sampleRss, startService } from './lib/servers.js';
import { report } from './hostile/requests.js';

const SUBMIT = 'mutation($input: UsageReportInput!) { submitReport(input: $input) { reportId duplicate } }';
const SUMMARY =
  '{ statsSummary { generatedAt reportsAccepted installationsEverReported printersByModel { key count } weekly(weeks: 4) { weekStart reportsReceived } } }';

interface Installation {
  id: string;
  secret: string;
}

type Outcome = 'accepted' | 'duplicate' | 'RATE_LIMITED' | 'other';

function outcome(r: RawResponse): { kind: Outcome; code?: unknown } {
  const data = r.json?.data?.submitReport as { duplicate: boolean } | null | undefined;
  if (data) return { kind: data.duplicate ? 'duplicate' : 'accepted' };
  const code = r.json?.errors?.[0]?.extensions?.code;
  if (code === 'RATE_LIMITED' && r.status === 429) return { kind: 'RATE_LIMITED' };
  return { kind: 'other', code: code ?? `${r.status} ${r.error ?? ''}` };
}

export interface AggregatorLoadOptions {
  clients: number;
  seconds: number;
  db: 'sqlite' | 'postgresql';
  /** Reports per installation per hour (AGGREGATOR_RATE_LIMIT_PER_HOUR). */
  limit?: number;
  installations?: number;
}

export async function aggregatorLoad(o: AggregatorLoadOptions): Promise<Check[]> {
  const limit = o.limit ?? 10;
  const database = await throwawayDatabase(o.db);
  const redis = o.db === 'postgresql' ? await ownRedis() : null;
  const setup = `${o.db}${redis ? ' + Redis' : ''}`;
  const s = await startService('aggregator', {
    AGGREGATOR_DATABASE_URL: database.url,
    AGGREGATOR_RATE_LIMIT_PER_HOUR: String(limit),
    // Every client is 127.0.0.1: the address limit is set out of the way to measure the installation limit.
    AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1000000',
    ...(redis ? { AGGREGATOR_REDIS_URL: redis.url } : {}),
  });
  const pool: Installation[] = Array.from({ length: o.installations ?? Math.max(20, o.clients) }, () => ({
    id: randomUUID(),
    secret: randomBytes(24).toString('hex'),
  }));
  const accepted = new Map<string, { inst: Installation; body: Record<string, unknown> }>();
  // Per installation and clock hour (UTC) of the answer: accepted new reports and RATE_LIMITED new reports.
  const perHour = new Map<string, { accepted: number; limited: number; straddles: number }>();
  const refusals = new Failures();
  const dupProblems = new Failures();
  const copyProblems = new Failures();
  const summaryProblems = new Failures();
  const tally = { new: 0, accepted: 0, limited: 0, duplicates: 0, copies: 0, summaries: 0 };
  const hourOf = (ms: number) => Math.floor(ms / 3_600_000);
  // Resends and copies hold a unit of their installation while in flight (reserved, then given back);
  // a new report refused while one of those was in flight is told apart from a refusal at rest.
  const holders = new Map<string, [number, number][]>();
  const held = (inst: Installation, from: number, to: number) => holders.get(inst.id)?.some(([a, b]) => a <= to && b >= from) ?? false;
  let refusedWhileHeld = 0;
  const limitedNew: { inst: Installation; sent: number; got: number; h: { limited: number } }[] = [];
  const hold = (inst: Installation, from: number) => (holders.get(inst.id) ?? holders.set(inst.id, []).get(inst.id)!).push([from, Date.now()]);
  const note = (inst: Installation, sent: number, kind: Outcome) => {
    const got = Date.now();
    const key = `${inst.id}@${hourOf(got)}`;
    const h = perHour.get(key) ?? perHour.set(key, { accepted: 0, limited: 0, straddles: 0 }).get(key)!;
    if (hourOf(sent) !== hourOf(got)) h.straddles++;
    if (kind === 'accepted') h.accepted++;
    // Judged once every request has ended, when every resend's and copy's interval is known.
    if (kind === 'RATE_LIMITED') limitedNew.push({ inst, sent, got, h });
  };
  const submit = (inst: Installation, input: Record<string, unknown>) =>
    gql(s.base, SUBMIT, { input }, { 'x-api-key': API_KEY, 'x-installation-secret': inst.secret });
  const rss = sampleRss(s);
  const deadline = Date.now() + o.seconds * 1000;
  const client = async () => {
    while (Date.now() < deadline) {
      const roll = Math.random();
      const inst = pool[Math.floor(Math.random() * pool.length)];
      if (roll < 0.5 || (roll < 0.75 && accepted.size === 0)) {
        const input = report(inst.id);
        const sent = Date.now();
        const r = await submit(inst, input);
        const got = outcome(r);
        tally.new++;
        note(inst, sent, got.kind);
        if (got.kind === 'accepted') {
          tally.accepted++;
          accepted.set(String(input.reportId), { inst, body: input });
        } else if (got.kind === 'RATE_LIMITED') tally.limited++;
        else if (got.kind === 'other' || got.kind === 'duplicate') refusals.add(`a new report answered ${JSON.stringify(got.code ?? got.kind)}`);
      } else if (roll < 0.75) {
        const keys = [...accepted.keys()];
        const { inst: owner, body } = accepted.get(keys[Math.floor(Math.random() * keys.length)])!;
        const sent = Date.now();
        const got = outcome(await submit(owner, body));
        hold(owner, sent);
        tally.duplicates++;
        if (got.kind === 'other') refusals.add(`a duplicate answered ${String(got.code)}`);
        else if (got.kind !== 'duplicate') dupProblems.add(`a resent report answered ${got.kind}`);
      } else if (roll < 0.8) {
        // Three copies of one new report at once: stored once, the others answered as duplicates.
        const input = report(inst.id);
        const sent = Date.now();
        const kinds = (await Promise.all([1, 2, 3].map(() => submit(inst, input)))).map(outcome);
        hold(inst, sent);
        tally.copies++;
        for (const k of kinds) if (k.kind === 'other') refusals.add(`a copy answered ${String(k.code)}`);
        const ok = kinds.filter((k) => k.kind === 'accepted').length;
        if (ok === 1) {
          accepted.set(String(input.reportId), { inst, body: input });
          note(inst, sent, 'accepted');
          tally.accepted++;
        } else if (ok > 1) copyProblems.add(`${ok} copies accepted as new`);
        if (ok === 0 && kinds.some((k) => k.kind === 'duplicate')) copyProblems.add('copies answered duplicate, none accepted');
        if (ok === 0 && kinds.every((k) => k.kind === 'RATE_LIMITED')) note(inst, sent, 'RATE_LIMITED');
      } else {
        const r = await gql(s.base, SUMMARY);
        tally.summaries++;
        if (r.status !== 200 || r.json?.errors?.length) summaryProblems.add(`${r.status} ${JSON.stringify(r.json?.errors ?? r.error).slice(0, 100)}`);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: o.clients }, client));
  const elapsed = (performance.now() - started) / 1000;
  for (const r of limitedNew) {
    if (held(r.inst, r.sent, r.got)) refusedWhileHeld++;
    else r.h.limited++;
  }
  const mem = rss.stop();
  const side = await connect(database.url);
  try {
    const stored = new Set((await side.all<{ id: string }>('select id from report')).map((r) => r.id));
    const storedProblems = new Failures();
    for (const id of accepted.keys()) if (!stored.has(id)) storedProblems.add(`accepted ${id} not stored`);
    for (const id of stored) if (!accepted.has(id)) storedProblems.add(`${id} stored but never acknowledged`);
    const limitProblems = new Failures();
    for (const [key, h] of perHour) {
      if (h.accepted > limit + h.straddles) limitProblems.add(`${key.slice(0, 8)}… accepted ${h.accepted} > ${limit}`);
      if (h.limited > 0 && h.accepted + h.straddles < limit) limitProblems.add(`${key.slice(0, 8)}… refused with only ${h.accepted} of ${limit} stored`);
    }
    const total = tally.new + tally.duplicates + tally.copies * 3 + tally.summaries;
    const base = { part: 'load' as const, service: 'aggregator', database: setup };
    return [
      {
        ...base,
        tried: `${o.clients} clients for ${o.seconds} s: ${total} requests (${(total / elapsed).toFixed(0)}/s): ${tally.new} new reports, ${tally.duplicates} exact duplicates, ${tally.copies} × 3 concurrent copies, ${tally.summaries} summaries; ${pool.length} installations, limit ${limit}/h`,
        expected: 'only RATE_LIMITED refusals',
        observed: refusals.ok ? `${tally.accepted} accepted, ${tally.limited} RATE_LIMITED, nothing else` : refusals.describe('other answers'),
        held: refusals.ok,
      },
      {
        ...base,
        tried: 'stored reports vs acknowledged ones',
        expected: 'equal, each once',
        observed: storedProblems.ok ? `${stored.size} stored = ${accepted.size} accepted` : storedProblems.describe('differences'),
        held: storedProblems.ok,
      },
      {
        ...base,
        tried: `per installation and hour: accepted new reports vs the limit of ${limit}`,
        expected: `never above ${limit}; RATE_LIMITED only once ${limit} are stored`,
        observed: `${limitProblems.ok ? `exact for ${perHour.size} installation-hours` : limitProblems.describe('installation-hours off')}${refusedWhileHeld ? `; ${refusedWhileHeld} refused while a resend or copy of the same installation was in flight (not counted)` : ''}`,
        held: limitProblems.ok,
        defect: limitProblems.ok ? undefined : 1,
      },
      {
        ...base,
        tried: 'exact duplicates and concurrent copies',
        // A copy racing its twin may be refused while the twin holds the unit; it is stored all the same.
        expected: 'a resent report: duplicate: true, never RATE_LIMITED; of 3 concurrent copies at most one accepted as new',
        observed: dupProblems.ok && copyProblems.ok ? 'held' : [dupProblems.describe('duplicates refused'), copyProblems.describe('copy problems')].join('; '),
        held: dupProblems.ok && copyProblems.ok,
        defect: dupProblems.ok && copyProblems.ok ? undefined : 1,
      },
      {
        ...base,
        tried: `${tally.summaries} statsSummary under load`,
        expected: 'answered, no errors',
        observed: summaryProblems.describe('failed'),
        held: summaryProblems.ok,
      },
      {
        ...base,
        tried: 'aggregator RSS under load (sampled each second)',
        expected: 'reported',
        observed: `${mem.firstMiB.toFixed(0)} MiB at start, peak ${mem.peakMiB.toFixed(0)} MiB, ${mem.lastMiB.toFixed(0)} MiB at the end`,
        held: true,
      },
    ];
  } finally {
    await side.close();
    await s.stop();
    await redis?.stop();
    await database.drop();
  }
}

export interface WriterLoadOptions {
  writers: number;
  seconds: number;
  db: 'sqlite' | 'postgresql';
  rssLimitMiB: number;
}

export async function localWriters(o: WriterLoadOptions): Promise<Check[]> {
  const database = await throwawayDatabase(o.db);
  const s = await startService('local', { DATABASE_URL: database.url, USAGE_STATS_STARTUP_DELAY: '86400' });
  const acked = new Set<string>();
  const problems = new Failures();
  let unavailable = 0;
  const rss = sampleRss(s);
  const deadline = Date.now() + o.seconds * 1000;
  const writer = async () => {
    while (Date.now() < deadline) {
      const r = await gql(s.base, 'mutation { recordUsageEvent(input: { type: JOB_CREATED, autoCreated: true }) { event { id } } }');
      const id = (r.json?.data?.recordUsageEvent as { event: { id: string } } | null | undefined)?.event.id;
      if (id) acked.add(id);
      else if (r.json?.errors?.[0]?.extensions?.code === 'SERVICE_UNAVAILABLE' && r.status === 503) unavailable++;
      else problems.add(`${r.status} ${JSON.stringify(r.json?.errors ?? r.error).slice(0, 100)}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: o.writers }, writer));
  const elapsed = (performance.now() - started) / 1000;
  const mem = rss.stop();
  const side = await connect(database.url);
  try {
    const stored = new Set((await side.all<{ id: unknown }>(`select id from usage_event where type = 'JOB_CREATED'`)).map((r) => String(r.id)));
    const lost = new Failures();
    for (const id of acked) if (!stored.has(id)) lost.add(`event ${id} acknowledged but not stored`);
    if (stored.size !== acked.size) lost.add(`${stored.size} stored, ${acked.size} acknowledged`);
    const base = { part: 'load' as const, service: 'local', database: o.db };
    return [
      {
        ...base,
        tried: `${o.writers} concurrent writers for ${o.seconds} s: recordUsageEvent (${((acked.size + unavailable) / elapsed).toFixed(0)}/s)`,
        expected: 'every answer an event or SERVICE_UNAVAILABLE',
        observed: problems.ok ? `${acked.size} recorded, ${unavailable} SERVICE_UNAVAILABLE` : problems.describe('other answers'),
        held: problems.ok,
      },
      {
        ...base,
        tried: 'acknowledged events vs stored ones',
        expected: 'none lost, none extra',
        observed: lost.ok ? `${stored.size} stored = ${acked.size} acknowledged` : lost.describe('differences'),
        held: lost.ok,
      },
      {
        ...base,
        tried: 'local API RSS under the writers (sampled each second)',
        expected: `peak below ${o.rssLimitMiB} MiB`,
        observed: `${mem.firstMiB.toFixed(0)} MiB at start, peak ${mem.peakMiB.toFixed(0)} MiB, ${mem.lastMiB.toFixed(0)} MiB at the end`,
        held: mem.peakMiB < o.rssLimitMiB,
      },
    ];
  } finally {
    await side.close();
    await s.stop();
    await database.drop();
  }
}
