import type { EntityManager } from '@mikro-orm/core';

import type { DatabaseKind } from '../../../common/db.js';
import { column, sql } from '../../../common/typed-sql.js';
import { detectAnomalies, type Anomaly, type AnomalyKind, type AnomalySeverity } from '../anomalies.js';
import { codedError } from '../errors.js';

export interface AnomalyStatus extends Anomaly {
  /** When this rule first found it, in the run of detections it is still part of. */
  since: Date;
  /** When the operator acknowledged it at this severity or a worse one; null otherwise. */
  acknowledgedAt: Date | null;
}

const RANK: Record<AnomalySeverity, number> = { INFO: 0, MEDIUM: 1, HIGH: 2 };

const UPSERT = sql<{ kind: string; severity: string; now: Date }>`
  insert into anomaly_state (kind, severity, since) values (${'kind'}, ${'severity'}, ${'now'})
  on conflict (kind) do update set severity = excluded.severity, since = coalesce(anomaly_state.since, excluded.since)`;
// A rule that no longer finds anything is cleared, acknowledgement included: next time is a new anomaly.
const CLEAR = sql<{ kind: string }>`update anomaly_state set since = null, acknowledged_at = null, acknowledged_severity = null where kind = ${'kind'}`;
const STATES = sql`select kind, since, acknowledged_at, acknowledged_severity from anomaly_state`.returning({
  kind: column.text,
  since: column.date,
  acknowledged_at: column.date,
  acknowledged_severity: column.nullableText,
});
const ACKNOWLEDGE = sql<{ kind: string; now: Date }>`
  update anomaly_state set acknowledged_at = ${'now'}, acknowledged_severity = severity where kind = ${'kind'} and since is not null`;

/**
 * Runs the rules and keeps, per rule, since when it has been firing (the dashboard job does this on
 * its schedule, and every admin listing does it too). Returns the current anomalies with their state.
 */
export async function anomalyStatuses(em: EntityManager, kind: DatabaseKind, now: Date): Promise<AnomalyStatus[]> {
  const found = await detectAnomalies(em, kind, now);
  const before = new Map((await STATES.all(em, {})).map((s) => [s.kind, s]));
  await em.transactional(async (tx) => {
    for (const a of found) await UPSERT.run(tx, { kind: a.kind, severity: a.severity, now });
    for (const [k, s] of before) if (s.since && !found.some((a) => a.kind === k)) await CLEAR.run(tx, { kind: k });
  });
  const states = new Map((await STATES.all(em, {})).map((s) => [s.kind, s]));
  return found.map((a) => {
    const s = states.get(a.kind);
    const acked = s?.acknowledged_severity && RANK[s.acknowledged_severity as AnomalySeverity] >= RANK[a.severity];
    return { ...a, since: s?.since ?? now, acknowledgedAt: acked ? (s?.acknowledged_at ?? null) : null };
  });
}

/** Acknowledges the anomaly a rule is currently firing at its current severity; a worse one later shows again. */
export async function acknowledgeAnomaly(em: EntityManager, dbKind: DatabaseKind, kind: AnomalyKind, now: Date): Promise<AnomalyStatus> {
  const current = (await anomalyStatuses(em, dbKind, now)).find((a) => a.kind === kind);
  if (!current) throw codedError('BAD_USER_INPUT', `No ${kind} anomaly is active now.`, { field: 'input.kind' });
  await ACKNOWLEDGE.run(em, { kind, now });
  return { ...current, acknowledgedAt: now };
}
