/**
 * kill -9 of the local API at random points while it records events and while it submits a
 * report, then a restart on the same database: every acknowledged event must still be there and
 * be counted exactly once at the aggregator, and SQLite's integrity check must pass after each kill.
 * Each cycle is a fresh installation on the same database (deleteUsageData between cycles), since
 * a real clock allows one report per installation and day.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { Failures, type Check } from '../lib/check.js';
import { connect, throwawayDatabase, type SideConnection } from '../lib/db.js';
import { gql, ok } from '../lib/http.js';
import { startService, type Service } from '../lib/servers.js';

export interface KillLocalOptions {
  db: 'sqlite' | 'postgresql';
  cycles: number;
  /** The aggregator the local API submits to, and a side connection to its database. */
  aggregator: { base: string; side: SideConnection };
}

const RECORD = 'mutation($input: RecordUsageEventsInput!) { recordUsageEvents(input: $input) { events { id } } }';
const SUBMISSIONS = '{ submissions(first: 20) { edges { node { id status } } } }';

type Ledger = { status: string; id: string }[];

/** The latest UTC midnight: events before it and after the consent floor go into the first report. */
function latestMidnight(): number {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
}

const payloadOf = (p: unknown) => (typeof p === 'string' ? JSON.parse(p) : p) as { usage: { jobsCompleted: number } };

async function ledger(base: string): Promise<Ledger> {
  const d = await ok<{ submissions: { edges: { node: { id: string; status: string } }[] } }>(base, SUBMISSIONS);
  return d.submissions.edges.map((e) => e.node);
}

/** Writers recording batches of JOB_COMPLETED events until told to stop or the server dies. */
function startWriters(s: Service, n: number) {
  const acked = new Set<string>();
  let unknown = 0;
  let stop = false;
  const midnight = latestMidnight();
  const one = async () => {
    while (!stop) {
      const size = 1 + Math.floor(Math.random() * 20);
      const events = Array.from({ length: size }, () => ({
        type: 'JOB_COMPLETED',
        occurredAt: new Date(midnight - 3_600_000 - Math.floor(Math.random() * 18 * 3_600_000)).toISOString(),
      }));
      const r = await gql(s.base, RECORD, { input: { events } }, {}, 10_000);
      const got = (r.json?.data?.recordUsageEvents as { events: { id: string }[] } | null | undefined)?.events;
      if (got) for (const e of got) acked.add(e.id);
      else if (r.status === 0) {
        // No answer: the server died with the batch in flight; it may or may not be stored.
        unknown += size;
        return;
      } else throw new Error(`recordUsageEvents answered ${r.status} ${r.text.slice(0, 200)}`);
    }
  };
  const done = Promise.all(Array.from({ length: n }, one));
  return {
    acked,
    get unknown() {
      return unknown;
    },
    async stop() {
      stop = true;
      await done;
    },
    done,
  };
}

/** After a restart: submit until the installation's report is SENT (bounded). */
async function deliver(s: Service): Promise<Ledger> {
  for (let i = 0; i < 100; i++) {
    const l = await ledger(s.base);
    if (l.length > 0 && l.every((x) => x.status === 'SENT')) return l;
    if (l.some((x) => x.status === 'REJECTED' || x.status === 'CANCELLED')) return l;
    await gql(s.base, 'mutation { submitUsageReport { submission { id status } } }');
    await sleep(200);
  }
  return ledger(s.base);
}

export async function killLocal(o: KillLocalOptions): Promise<Check[]> {
  const database = await throwawayDatabase(o.db);
  const s = await startService('local', {
    DATABASE_URL: database.url,
    USAGE_STATS_ENDPOINT: `${o.aggregator.base}/graphql`,
    // The job never runs on its own here: a scheduled run during the recording phase would build the
    // report early and leave the later events to tomorrow's. submitUsageReport goes through the same outbox.
    USAGE_STATS_STARTUP_DELAY: '86400',
    USAGE_STATS_RETRY_COUNT: '2',
    USAGE_STATS_TIMEOUT: '5',
  });
  const lost = new Failures();
  const counted = new Failures();
  const integrity = new Failures();
  const delivery = new Failures();
  const modes = { recording: 0, submission: 0 };
  let acknowledged = 0;
  let unknownTotal = 0;
  try {
    for (let cycle = 0; cycle < o.cycles; cycle++) {
      const mode = cycle % 2 === 0 ? 'recording' : 'submission';
      modes[mode]++;
      const { optInUsageStatistics: opt } = await ok<{ optInUsageStatistics: { usageSettings: { installationId: string } } }>(
        s.base,
        'mutation { optInUsageStatistics { usageSettings { installationId } } }',
      );
      const installationId = opt.usageSettings.installationId;
      const writers = startWriters(s, 4);
      writers.done.catch(() => {});
      if (mode === 'recording') {
        await sleep(100 + Math.random() * 600);
        await s.kill9();
      } else {
        await sleep(100 + Math.random() * 300);
        await writers.stop();
        void gql(s.base, 'mutation { submitUsageReport { submission { id status } } }', undefined, {}, 10_000);
        await sleep(Math.random() * 60);
        await s.kill9();
      }
      await writers.done.catch((err: Error) => lost.add(`a writer failed: ${err.message}`));
      acknowledged += writers.acked.size;
      unknownTotal += writers.unknown;
      if (o.db === 'sqlite') {
        const side = await connect(database.url);
        const verdict = await side.integrity();
        await side.close();
        if (verdict !== 'ok') integrity.add(`cycle ${cycle}: ${verdict}`);
      }
      await s.restart();
      const l = await deliver(s);
      if (!l.length || !l.every((x) => x.status === 'SENT')) delivery.add(`cycle ${cycle}: ledger ${JSON.stringify(l)}`);
      const side = await connect(database.url);
      const local = await side.all<{ id: unknown; report_id: unknown }>(`select id, report_id from usage_event where type = 'JOB_COMPLETED'`);
      await side.close();
      const ids = new Set(local.map((e) => String(e.id)));
      for (const id of writers.acked) if (!ids.has(id)) lost.add(`cycle ${cycle} (${mode}): acknowledged event ${id} missing after restart`);
      if (local.length > writers.acked.size + writers.unknown)
        lost.add(`cycle ${cycle}: ${local.length} stored > ${writers.acked.size} acknowledged + ${writers.unknown} in flight`);
      const unreported = local.filter((e) => e.report_id === null).length;
      const rows = await o.aggregator.side.all<{ id: string; payload: unknown }>('select id, payload from report where installation_id = ?', [installationId]);
      const jobs = rows.reduce((sum, r) => sum + payloadOf(r.payload).usage.jobsCompleted, 0);
      const sent = l.filter((x) => x.status === 'SENT').map((x) => x.id);
      if (unreported) counted.add(`cycle ${cycle}: ${unreported} events in no report`);
      if (jobs !== local.length) counted.add(`cycle ${cycle} (${mode}): aggregator counted ${jobs} jobs, ${local.length} stored locally`);
      if (rows.length !== sent.length || !sent.every((id) => rows.some((r) => r.id === id)))
        counted.add(`cycle ${cycle}: reports ${JSON.stringify(rows.map((r) => r.id))} vs sent ${JSON.stringify(sent)}`);
      await ok(s.base, 'mutation { deleteUsageData(input: { deleteRemoteData: false }) { deletedEventCount } }');
    }
  } finally {
    await s.stop();
    await database.drop();
  }
  const base = { part: 'faults' as const, service: 'local', database: o.db };
  const tried = `${o.cycles} × kill -9 (${modes.recording} while 4 writers record, ${modes.submission} right after submitUsageReport), restart on the same database`;
  return [
    {
      ...base,
      tried: `${tried}: ${acknowledged} events acknowledged, ${unknownTotal} in flight at a kill`,
      expected: 'every acknowledged event still stored',
      observed: lost.describe('lost'),
      held: lost.ok,
    },
    {
      ...base,
      tried: 'after each restart: the pending or unbuilt report delivered by submitUsageReport',
      expected: 'SENT',
      observed: delivery.describe('not delivered'),
      held: delivery.ok,
    },
    {
      ...base,
      tried: 'aggregator: reports and counted jobs per installation',
      expected: 'each stored event counted exactly once',
      observed: counted.describe('mismatches'),
      held: counted.ok,
    },
    {
      ...base,
      tried: 'PRAGMA integrity_check after each kill',
      expected: o.db === 'sqlite' ? 'ok' : 'n/a (PostgreSQL)',
      observed: o.db === 'sqlite' ? (integrity.ok ? `ok × ${o.cycles}` : integrity.describe('failed')) : 'n/a',
      held: integrity.ok,
    },
  ];
}
