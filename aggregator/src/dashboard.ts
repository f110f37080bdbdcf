import type { MikroORM } from '@mikro-orm/core';

import type { Clock } from '../../common/clock.js';
import type { DatabaseKind } from '../../common/db.js';
import { column, sql } from '../../common/typed-sql.js';
import { computeDashboard, type DashboardBody } from './dashboard-snapshot.js';
import { kAnonymousBuckets, OTHER, type BucketCount, type FeatureAdoption } from './summary.js';

export interface DashboardWeek {
  weekStart: string;
  /** False for the week of generatedAt, still running. */
  complete: boolean;
  /** Installations reporting this week; null when fewer than K. */
  activeInstallations: number | null;
  /** Change against the week before, e.g. 0.25 for +25 %; null when either week is null or the week before had none. */
  growth: number | null;
  appVersions: BucketCount[];
  featureAdoption: FeatureAdoption[];
}

export interface ErrorBucket {
  component: string;
  errorType: string;
  occurrences: number;
}

export interface Dashboard {
  generatedAt: Date;
  kAnonymity: number;
  weeks: DashboardWeek[];
  errorsByComponent: ErrorBucket[];
}

const ratio = (n: number, of: number) => (of ? Math.round((n / of) * 10_000) / 10_000 : 0);

/**
 * The public trends from a snapshot, k-anonymous week by week: a version fewer than K installations
 * ran that week is folded into "other", a feature fewer than K reported is left out, a week with
 * fewer than K installations shows none of its figures. An error (component, type) is listed when in
 * some week at least K installations reported it (so at least K did over the window); else it is folded.
 */
export function dashboardOf(b: DashboardBody, k: number, weeks: number): Dashboard {
  const chosen = b.weeks.slice(-weeks);
  const current = chosen.at(-1)?.weekStart;
  let before: number | null = null;
  const out: DashboardWeek[] = chosen.map((w) => {
    const active = w.installations >= k ? w.installations : null;
    const described = w.described >= k;
    const growth = active !== null && before ? Math.round(((active - before) / before) * 10_000) / 10_000 : null;
    before = active;
    return {
      weekStart: w.weekStart,
      complete: w.weekStart !== current,
      activeInstallations: active,
      growth,
      appVersions: described ? kAnonymousBuckets(new Map(w.versions.map(([key, n]) => [key, { count: n, installations: n }])), k) : [],
      featureAdoption: described
        ? w.features
            .filter(([, , reporting]) => reporting >= k)
            .map(([feature, enabled]) => ({ feature, enabledInstallations: enabled, share: ratio(enabled, w.described) }))
            .sort((x, y) => y.enabledInstallations - x.enabledInstallations || x.feature.localeCompare(y.feature))
        : [],
    };
  });
  const errors = new Map<string, { component: string; errorType: string; occurrences: number; most: number }>();
  for (const w of chosen)
    for (const [component, errorType, n, installations] of w.errors) {
      const key = `${component}\u0000${errorType}`;
      const e = errors.get(key) ?? { component, errorType, occurrences: 0, most: 0 };
      e.occurrences += n;
      e.most = Math.max(e.most, installations);
      errors.set(key, e);
    }
  let folded = 0;
  const listed: ErrorBucket[] = [];
  for (const e of errors.values()) {
    if (e.most >= k) listed.push({ component: e.component || 'unattributed', errorType: e.errorType, occurrences: e.occurrences });
    else folded += e.occurrences;
  }
  listed.sort((x, y) => y.occurrences - x.occurrences || x.component.localeCompare(y.component) || x.errorType.localeCompare(y.errorType));
  if (folded) listed.push({ component: OTHER, errorType: OTHER, occurrences: folded });
  return { generatedAt: new Date(b.generatedAt), kAnonymity: k, weeks: out, errorsByComponent: listed };
}

const ENSURE = sql`insert into summary_snapshot (id, epoch, body_epoch, generated_at, body) values (1, 0, -1, null, null) on conflict (id) do nothing`;
const EPOCH = sql`select epoch from summary_snapshot where id = 1`.returning({ epoch: column.int });
const READ = sql`select summary_epoch, generated_at, body from dashboard_snapshot where id = 1`.returning({
  summary_epoch: column.int,
  generated_at: column.date,
  body: column.text,
});
const WRITE = sql<{ epoch: number; generatedAt: Date; body: string }>`
  insert into dashboard_snapshot (id, summary_epoch, generated_at, body) values (1, ${'epoch'}, ${'generatedAt'}, ${'body'})
  on conflict (id) do update set summary_epoch = excluded.summary_epoch, generated_at = excluded.generated_at, body = excluded.body
  where dashboard_snapshot.summary_epoch <= excluded.summary_epoch`;

export interface DashboardStoreOptions {
  orm: MikroORM;
  kind: DatabaseKind;
  clock: Clock;
  maxAgeMs: number;
}

/**
 * The dashboard's trends as one stored row, like SummaryStore: recomputed when older than maxAgeMs
 * or after a deletion (the summary epoch moved), otherwise served as stored. A request never scans
 * reports unless the row is missing or stale; the job refreshes it ahead of time.
 */
export class DashboardStore {
  #inFlight: Promise<DashboardBody> | null = null;
  #parsed: { text: string; body: DashboardBody } | null = null;

  constructor(private readonly o: DashboardStoreOptions) {}

  async current(k: number, weeks: number): Promise<Dashboard> {
    return dashboardOf(await this.#body(this.o.maxAgeMs), k, weeks);
  }

  /** Refreshes unless the stored row is younger than `ageMs` and no deletion happened since. */
  async refreshIfOlderThan(ageMs: number): Promise<void> {
    await this.#body(ageMs);
  }

  async #body(maxAgeMs: number): Promise<DashboardBody> {
    const em = this.o.orm.em.fork();
    const [row, epoch] = [await READ.one(em, {}), (await EPOCH.one(em, {}))?.epoch ?? 0];
    const age = row?.generated_at ? this.o.clock.now().getTime() - row.generated_at.getTime() : Infinity;
    const previous = row ? this.#parse(row.body) : null;
    if (row && row.summary_epoch === epoch && age >= 0 && age < maxAgeMs) return previous!;
    // After a deletion nothing of the old body is reused: it may count the deleted installation.
    return this.#refresh(row && row.summary_epoch === epoch ? previous : null);
  }

  #parse(text: string): DashboardBody {
    if (this.#parsed?.text !== text) this.#parsed = { text, body: JSON.parse(text) as DashboardBody };
    return this.#parsed.body;
  }

  #refresh(previous: DashboardBody | null): Promise<DashboardBody> {
    this.#inFlight ??= (async () => {
      const em = this.o.orm.em.fork();
      await ENSURE.run(em, {});
      // Read before any data, as SummaryStore does: a deletion after this makes the result stale.
      const epoch = (await EPOCH.one(em, {}))?.epoch ?? 0;
      const now = this.o.clock.now();
      const body = await computeDashboard(em, this.o.kind, now, previous);
      await WRITE.run(em, { epoch, generatedAt: now, body: JSON.stringify(body) });
      return body;
    })().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }
}
