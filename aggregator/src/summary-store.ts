import type { MikroORM } from '@mikro-orm/core';

import type { Clock } from '../../common/clock.js';
import type { DatabaseKind } from '../../common/db.js';
import { column, sql } from '../../common/typed-sql.js';
import { computeSnapshot, summaryOf, type StatsSummary, type SummarySnapshotBody } from './summary.js';

const ENSURE_ROW = sql`insert into summary_snapshot (id, epoch, body_epoch, generated_at, body) values (1, 0, -1, null, null) on conflict (id) do nothing`;
const READ = sql`select epoch, body_epoch, generated_at, body from summary_snapshot where id = 1`.returning({
  epoch: column.int,
  body_epoch: column.int,
  generated_at: column.date,
  body: column.nullableText,
});
// A body computed before a deletion (older epoch) never replaces one computed after it.
const WRITE = sql<{ epoch: number; generatedAt: Date; body: string }>`
  update summary_snapshot set body_epoch = ${'epoch'}, generated_at = ${'generatedAt'}, body = ${'body'} where id = 1 and body_epoch <= ${'epoch'}`;
/** Run in deleteInstallation's transaction: no snapshot computed before it is served again. */
export const INVALIDATE_SUMMARY = sql`update summary_snapshot set epoch = epoch + 1 where id = 1`;

export interface SummaryStoreOptions {
  orm: MikroORM;
  kind: DatabaseKind;
  clock: Clock;
  /** A snapshot older than this (by `clock`) is recomputed before it is served; 0: on every request. */
  maxAgeMs: number;
}

/**
 * The public summary as a snapshot in the shared database: recomputed when older than maxAgeMs
 * (by the request that finds it so, or ahead of time by the summary job) or after a deletion, and
 * otherwise served from one row. Each instance computes at most one snapshot at a time.
 */
export class SummaryStore {
  #inFlight: Promise<SummarySnapshotBody> | null = null;
  #parsed: { text: string; body: SummarySnapshotBody } | null = null;

  constructor(private readonly o: SummaryStoreOptions) {}

  /** The current summary, folded for `k`. */
  async current(k: number): Promise<StatsSummary> {
    return summaryOf(await this.#body(), k);
  }

  /** Computes and stores a new snapshot now (the summary job, and tests that need one at once). */
  async refresh(): Promise<SummarySnapshotBody> {
    this.#inFlight ??= this.#compute().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  /** Refreshes unless the stored snapshot is younger than `ageMs`: what the job runs, so instances share one refresh. */
  async refreshIfOlderThan(ageMs: number): Promise<void> {
    const row = await READ.one(this.o.orm.em.fork(), {});
    if (!row || !this.#fresh(row, ageMs)) await this.refresh();
  }

  async #body(): Promise<SummarySnapshotBody> {
    const row = await READ.one(this.o.orm.em.fork(), {});
    if (!row?.body || !this.#fresh(row, this.o.maxAgeMs)) return this.refresh();
    // Every request of one snapshot reads the same text: parse it once.
    if (this.#parsed?.text !== row.body) this.#parsed = { text: row.body, body: JSON.parse(row.body) as SummarySnapshotBody };
    return this.#parsed.body;
  }

  #fresh(row: { epoch: number; body_epoch: number; generated_at: Date | null; body: string | null }, maxAgeMs: number): boolean {
    if (row.body === null || row.generated_at === null || row.body_epoch < row.epoch) return false;
    const age = this.o.clock.now().getTime() - row.generated_at.getTime();
    // A snapshot from the future (a clock set back) is as unusable as an old one.
    return age >= 0 && age < maxAgeMs;
  }

  async #compute(): Promise<SummarySnapshotBody> {
    const em = this.o.orm.em.fork();
    await ENSURE_ROW.run(em, {});
    // The epoch is read before any data: a deletion committed after this raises it, so a body that may still count it is not served.
    const epoch = (await READ.one(em, {}))?.epoch ?? 0;
    const now = this.o.clock.now();
    const body = await computeSnapshot(em, this.o.kind, now);
    const text = JSON.stringify(body);
    await WRITE.run(em, { epoch, generatedAt: now, body: text });
    return body;
  }
}
