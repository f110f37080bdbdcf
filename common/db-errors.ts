/**
 * Whether an error means "the database cannot be reached right now" (refused, reset, timed out,
 * shutting down, out of connections) rather than a fault in a statement. Those are answered
 * SERVICE_UNAVAILABLE (503, retryable), not masked as INTERNAL_SERVER_ERROR.
 */
const CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  // PostgreSQL: query_canceled (statement_timeout), admin_shutdown, cannot_connect_now, connection
  // failures, too_many_connections.
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
]);
const MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Timeout acquiring a connection|Query read timeout|connection timeout|Client has encountered a connection error|Connection ended unexpectedly|not queryable/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const x = e as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof x.code === 'string' && CODES.has(x.code)) return true;
    if (x.name === 'ConnectionException' || x.name === 'KnexTimeoutError') return true;
    if (typeof x.message === 'string' && MESSAGES.test(x.message)) return true;
    if (Array.isArray(x.errors) && x.errors.some(isDatabaseUnavailable)) return true;
    e = x.cause;
  }
  return false;
}

/** Thrown at start-up when the database cannot be reached: the message is the one line printed. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

/** `postgresql://user:secret@host:5432/db` → `host:5432/db`: where, without credentials. */
export function databaseWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'the configured database';
  }
}
