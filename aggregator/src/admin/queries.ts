import type { EntityManager } from '@mikro-orm/core';

import { DAY_MS } from '../../../common/clock.js';
import { column, sql } from '../../../common/typed-sql.js';
import { ACTIVE_DAYS } from '../summary.js';
import { isoWeekStart, recentWeeks } from '../week.js';

/** Installations by how recently they last reported. */
export const STATES = { ACTIVE: ACTIVE_DAYS, IDLE: 90 } as const;

export interface SubmissionWeek {
  weekStart: string;
  accepted: number;
  refused: number;
  /** accepted / (accepted + refused); null when there was neither. */
  successRate: number | null;
  refusalsByCode: { code: string; count: number }[];
}

const ACCEPTED = sql<{ firstWeek: string }>`
  select week_start, sum(reports) as n from installation_week where week_start >= ${'firstWeek'} group by week_start`.returning({
  week_start: column.text,
  n: column.int,
});
const REFUSED = sql<{ firstWeek: string }>`select week_start, code, refusals from refusal_week where week_start >= ${'firstWeek'}`.returning({
  week_start: column.text,
  code: column.text,
  refusals: column.int,
});

/** Submissions per ISO week: accepted from the weekly rollup, refused from the refusal counts. */
export async function submissionsByWeek(em: EntityManager, now: Date, weeks: number): Promise<SubmissionWeek[]> {
  const list = recentWeeks(now, weeks);
  const accepted = new Map((await ACCEPTED.all(em, { firstWeek: list[0] })).map((r) => [r.week_start, r.n]));
  const refused = await REFUSED.all(em, { firstWeek: list[0] });
  return list.map((weekStart) => {
    const codes = refused.filter((r) => r.week_start === weekStart).map((r) => ({ code: r.code, count: r.refusals }));
    codes.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
    const ok = accepted.get(weekStart) ?? 0;
    const no = codes.reduce((n, c) => n + c.count, 0);
    return { weekStart, accepted: ok, refused: no, successRate: ok + no ? Math.round((ok / (ok + no)) * 10_000) / 10_000 : null, refusalsByCode: codes };
  });
}

export const LATEST_REFUSALS = sql<{ limit: number }>`select at, code from recent_refusal order by id desc limit ${'limit'}`.returning({
  at: column.date,
  code: column.text,
});

const BY_STATE = sql<{ active: Date; idle: Date }>`
  select coalesce(sum(case when last_report_at >= ${'active'} then 1 else 0 end), 0) as active,
    coalesce(sum(case when last_report_at < ${'active'} and last_report_at >= ${'idle'} then 1 else 0 end), 0) as idle,
    coalesce(sum(case when last_report_at < ${'idle'} then 1 else 0 end), 0) as dormant
  from installation`.returning({ active: column.int, idle: column.int, dormant: column.int });

export async function installationsByState(em: EntityManager, now: Date): Promise<{ state: 'ACTIVE' | 'IDLE' | 'DORMANT'; count: number }[]> {
  const r = await BY_STATE.one(em, { active: new Date(now.getTime() - STATES.ACTIVE * DAY_MS), idle: new Date(now.getTime() - STATES.IDLE * DAY_MS) });
  return [
    { state: 'ACTIVE', count: r?.active ?? 0 },
    { state: 'IDLE', count: r?.idle ?? 0 },
    { state: 'DORMANT', count: r?.dormant ?? 0 },
  ];
}

export const INSTALLATION = sql<{ id: string }>`
  select id, first_report_at, last_report_at, app_version, platform, deployment_mode, country_code, printer_count,
    (select coalesce(sum(reports), 0) from installation_week w where w.installation_id = installation.id) as reports
  from installation where id = ${'id'}`.returning({
  id: column.text,
  first_report_at: column.date,
  last_report_at: column.date,
  app_version: column.text,
  platform: column.text,
  deployment_mode: column.text,
  country_code: column.nullableText,
  printer_count: column.int,
  reports: column.int,
});

const DELETIONS = sql<{ since: Date }>`select at, actor from ops_event where kind = 'installation-deleted' and at >= ${'since'}`.returning({
  at: column.date,
  actor: column.text,
});

/** Deletion requests handled per ISO week (by the operator or by the installation itself). */
export async function deletionsByWeek(em: EntityManager, now: Date, weeks: number) {
  const list = recentWeeks(now, weeks);
  const rows = await DELETIONS.all(em, { since: new Date(`${list[0]}T00:00:00.000Z`) });
  return list.map((weekStart) => {
    const inWeek = rows.filter((r) => r.at && isoWeekStart(r.at) === weekStart);
    return { weekStart, deletions: inWeek.length, byOperator: inWeek.filter((r) => r.actor === 'admin').length };
  });
}

export const EVENTS = sql<{ limit: number }>`select at, kind, actor, subject from ops_event order by id desc limit ${'limit'}`.returning({
  at: column.date,
  kind: column.text,
  actor: column.text,
  subject: column.nullableText,
});
