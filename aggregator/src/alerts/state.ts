import { column, sql } from '../../../common/typed-sql.js';

/**
 * The conditional writes behind the notification state (table operator_alert). Each returns the
 * rows it changed: 1 means this instance made the change and sends its notice, 0 that another did.
 */
export const ALERT_ROWS = sql`
  select key, state, severity, message, opened_at, resolved_at, case when notify_pending then 1 else 0 end as pending
  from operator_alert where key like 'anomaly:%'`.returning({
  key: column.text,
  state: column.text,
  severity: column.nullableText,
  message: column.nullableText,
  opened_at: column.date,
  resolved_at: column.date,
  pending: column.int,
});

type Open = { key: string; severity: string; message: string; now: Date };

export const OPEN_NEW = sql<Open>`
  insert into operator_alert (key, state, severity, message, opened_at, changed_at, resolved_at, notify_pending)
  values (${'key'}, 'OPEN', ${'severity'}, ${'message'}, ${'now'}, ${'now'}, null, false) on conflict (key) do nothing`;

export const REOPEN = sql<Open>`
  update operator_alert set state = 'OPEN', severity = ${'severity'}, message = ${'message'}, opened_at = ${'now'}, changed_at = ${'now'}, resolved_at = null, notify_pending = false
  where key = ${'key'} and state = 'RESOLVED'`;

/** A change of severity (up: a notice; down: silent, so it can worsen again later). */
export const RESEVER = sql<Open & { was: string }>`
  update operator_alert set severity = ${'severity'}, message = ${'message'}, changed_at = ${'now'}
  where key = ${'key'} and state = 'OPEN' and severity = ${'was'}`;

export const RESOLVE = sql<{ key: string; now: Date }>`
  update operator_alert set state = 'RESOLVED', changed_at = ${'now'}, resolved_at = ${'now'}, notify_pending = false
  where key = ${'key'} and state = 'OPEN'`;

/** A notice that could not be sent is retried by the next run… */
export const MARK_PENDING = sql<{ key: string }>`update operator_alert set notify_pending = true where key = ${'key'}`;
/** …which claims it first, so one instance retries it. */
export const CLAIM_PENDING = sql<{ key: string }>`update operator_alert set notify_pending = false where key = ${'key'} and notify_pending = true`;

/** The weekly report of one week is claimed by inserting its row. */
export const CLAIM_WEEK = sql<{ key: string; now: Date }>`
  insert into operator_alert (key, state, severity, message, opened_at, changed_at, resolved_at, notify_pending)
  values (${'key'}, 'SENT', null, null, ${'now'}, ${'now'}, null, false) on conflict (key) do nothing`;

export const PENDING_WEEKS = sql`select key from operator_alert where key like 'weekly:%' and notify_pending = true`.returning({ key: column.text });

/** Anomalies open at some time in [from, to): for the weekly report. */
export const ALERTS_DURING = sql<{ from: Date; to: Date }>`
  select key, state, severity, message, opened_at, resolved_at from operator_alert
  where key like 'anomaly:%' and opened_at < ${'to'} and (resolved_at is null or resolved_at >= ${'from'}) order by opened_at`.returning({
  key: column.text,
  state: column.text,
  severity: column.nullableText,
  message: column.nullableText,
  opened_at: column.date,
  resolved_at: column.date,
});
