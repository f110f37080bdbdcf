import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Fields that must never reach a log line, whoever logs them: client addresses (rate-limit keys),
 * secrets and keys, and whole header sets (they carry X-Installation-Secret, X-Admin-Key,
 * X-Forwarded-For). pino removes them before the line is written, at every level.
 */
const NEVER_LOGGED = [
  'address',
  '*.address',
  'secret',
  '*.secret',
  '*.installationSecret',
  'apiKey',
  '*.apiKey',
  'adminKey',
  '*.adminKey',
  'headers',
  '*.headers',
  'req.headers',
  'req.socket',
];

// A database error's message is the statement with its values inlined (knex), and its stack starts
// with that message: a printer's name, serial or host would reach the log. Only the driver's own
// reason (after the last " - ") is kept.
const SQL_MESSAGE = /^\s*(insert|select|update|delete|with|create|alter|drop|pragma)\b[\s\S]* - /i;
const withoutSql = (text: string) => text.replace(SQL_MESSAGE, '[statement withheld] - ');

/** pino's error serializer, with SQL text (and the values in it) cut from message and stack. */
function serializeError(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (typeof out.message !== 'string' || !SQL_MESSAGE.test(out.message)) return out;
  const message = out.message;
  const stack = typeof out.stack === 'string' ? out.stack.replace(message, withoutSql(message)) : out.stack;
  const { sql: _sql, ...rest } = out;
  return { ...rest, message: withoutSql(message), stack };
}

/** JSON logs on stdout (pino), or on `destination` (tests). IPs, secrets and payload contents are never logged. */
export function createLogger(level: string, name = 'printernizer-stats', destination?: DestinationStream): Logger {
  const options = { name, level, redact: { paths: NEVER_LOGGED, remove: true }, serializers: { err: serializeError } };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * An error as one log field, for errors whose text may quote what they were given: rate-limit
 * counter names (they hold the client address) are cut from the message.
 */
export function scrubbedError(err: unknown): string {
  return String(err).replace(/printernizer-stats:rate:\S*/g, 'printernizer-stats:rate:…');
}
