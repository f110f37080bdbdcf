import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';

import type { Clock } from '../../../common/clock.js';
import type { DatabaseKind } from '../../../common/db.js';
import { detectAnomalies, type AnomalyKind, type AnomalySeverity } from '../anomalies.js';
import type { Metrics } from '../metrics.js';
import type { Notifier } from './notifier.js';
import { alertNotice, type AlertChange } from './payload.js';
import { ALERT_ROWS, CLAIM_PENDING, MARK_PENDING, OPEN_NEW, REOPEN, RESEVER, RESOLVE } from './state.js';

export interface AlertDeps {
  orm: MikroORM;
  kind: DatabaseKind;
  clock: Clock;
  metrics: Metrics;
  notifier: Notifier;
  logger: Logger;
  /** Aborted at shutdown. */
  signal?: AbortSignal;
}

const RANK: Record<string, number> = { INFO: 0, MEDIUM: 1, HIGH: 2 };
const KINDS: AnomalyKind[] = [
  'ACTIVE_INSTALLATIONS_DROP',
  'ACTIVE_INSTALLATIONS_SPIKE',
  'REPORT_VOLUME_SPIKE',
  'REPORT_VOLUME_DROP',
  'ERROR_SPIKE',
  'HIGH_ERROR_RATE',
];
const SEVERITIES: AnomalySeverity[] = ['INFO', 'MEDIUM', 'HIGH'];

/**
 * Runs the anomaly rules and tells the operator what changed since the last run: a new anomaly, one
 * whose severity rose, one that cleared. An anomaly that persists unchanged (or eases) is not
 * notified again. Notices that failed before are retried first. Returns the changes notified.
 */
export async function checkAnomalies(d: AlertDeps): Promise<AlertChange[]> {
  const em = d.orm.em.fork();
  const now = d.clock.now();
  const found = await detectAnomalies(em, d.kind, now);
  for (const kind of KINDS) for (const severity of SEVERITIES) d.metrics.anomalyActive.set({ kind, severity }, 0);
  for (const a of found) d.metrics.anomalyActive.set({ kind: a.kind, severity: a.severity }, 1);

  const rows = new Map((await ALERT_ROWS.all(em, {})).map((r) => [r.key, r]));
  const changes: { key: string; change: AlertChange }[] = [];

  for (const r of rows.values()) {
    if (!r.pending || !(await CLAIM_PENDING.run(em, { key: r.key }))) continue;
    const open = r.state === 'OPEN';
    changes.push({
      key: r.key,
      change: {
        kind: r.key.slice('anomaly:'.length),
        severity: (r.severity ?? 'INFO') as AnomalySeverity,
        message: r.message ?? '',
        change: open ? 'new' : 'resolved',
        openedAt: r.opened_at ?? now,
        resolvedAt: open ? null : r.resolved_at,
      },
    });
  }

  for (const a of found) {
    const key = `anomaly:${a.kind}`;
    const row = rows.get(key);
    const params = { key, severity: a.severity, message: a.message, now };
    const change = (c: AlertChange['change'], openedAt: Date) =>
      changes.push({ key, change: { kind: a.kind, severity: a.severity, message: a.message, change: c, openedAt, resolvedAt: null } });
    if (!row) {
      if (await OPEN_NEW.run(em, params)) change('new', now);
    } else if (row.state === 'RESOLVED') {
      if (await REOPEN.run(em, params)) change('new', now);
    } else if (row.severity !== a.severity) {
      const worse = RANK[a.severity] > RANK[row.severity ?? 'INFO'];
      if ((await RESEVER.run(em, { ...params, was: row.severity ?? 'INFO' })) && worse) change('worsened', row.opened_at ?? now);
    }
  }

  const open = new Set(found.map((a) => `anomaly:${a.kind}`));
  for (const r of rows.values()) {
    if (r.state !== 'OPEN' || open.has(r.key) || !(await RESOLVE.run(em, { key: r.key, now }))) continue;
    const resolved = { kind: r.key.slice('anomaly:'.length), severity: (r.severity ?? 'INFO') as AnomalySeverity, message: r.message ?? '' };
    changes.push({ key: r.key, change: { ...resolved, change: 'resolved', openedAt: r.opened_at ?? now, resolvedAt: now } });
  }

  for (const { key, change } of changes) {
    d.logger.info({ kind: change.kind, severity: change.severity, change: change.change }, 'anomaly state changed');
    if (d.notifier.enabled && !(await d.notifier.send(alertNotice(change), d.signal))) await MARK_PENDING.run(em, { key });
  }
  d.metrics.anomalyCheck.set(now.getTime() / 1000);
  return changes.map((c) => c.change);
}
