import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The operator's records behind the dashboard and the admin panel. None of them holds an address,
 * a secret or an installation id in clear; each is bounded (per week, per code, per rule, or trimmed).
 */

/** submitReport refusals per ISO week and error code, added up by every instance (admin panel). */
export const RefusalWeek = defineEntity({
  name: 'RefusalWeek',
  tableName: 'refusal_week',
  properties: {
    weekStart: p.string().length(10).primary(),
    code: p.string().length(32).primary(),
    refusals: p.integer(),
  },
});
export type RefusalWeek = InferEntity<typeof RefusalWeek>;

/** The latest submitReport refusals: code and time only, trimmed to the newest few hundred. */
export const RecentRefusal = defineEntity({
  name: 'RecentRefusal',
  tableName: 'recent_refusal',
  properties: {
    id: p.integer().primary().autoincrement(),
    at: p.datetime().index(),
    code: p.string().length(32),
  },
});
export type RecentRefusal = InferEntity<typeof RecentRefusal>;

/** Operator events: a deletion, an acknowledgement. `subject` is at most a hash prefix, never an id. */
export const OpsEvent = defineEntity({
  name: 'OpsEvent',
  tableName: 'ops_event',
  properties: {
    id: p.integer().primary().autoincrement(),
    at: p.datetime().index(),
    kind: p.string().length(32),
    /** Who asked: "admin" or "owner". */
    actor: p.string().length(16),
    subject: p.string().length(64).nullable(),
  },
});
export type OpsEvent = InferEntity<typeof OpsEvent>;

/** Per anomaly rule: since when it is active (null: not active) and when the operator acknowledged it. */
export const AnomalyState = defineEntity({
  name: 'AnomalyState',
  tableName: 'anomaly_state',
  properties: {
    kind: p.string().length(32).primary(),
    severity: p.string().length(16),
    since: p.datetime().nullable(),
    acknowledgedAt: p.datetime().nullable(),
    /** The severity acknowledged: a worse one later is not acknowledged any more. */
    acknowledgedSeverity: p.string().length(16).nullable(),
  },
});
export type AnomalyState = InferEntity<typeof AnomalyState>;

/** The dashboard's weekly trends as last computed (one row, id 1), like summary_snapshot. */
export const DashboardSnapshot = defineEntity({
  name: 'DashboardSnapshot',
  tableName: 'dashboard_snapshot',
  properties: {
    id: p.integer().primary().autoincrement(false),
    /** summary_snapshot.epoch when computed: a deletion since then makes it stale. */
    summaryEpoch: p.integer(),
    generatedAt: p.datetime(),
    body: p.text(),
  },
});
export type DashboardSnapshot = InferEntity<typeof DashboardSnapshot>;
