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

/** JSON logs on stdout (pino), or on `destination` (tests). IPs, secrets and payload contents are never logged. */
export function createLogger(level: string, name = 'printernizer-stats', destination?: DestinationStream): Logger {
  const options = { name, level, redact: { paths: NEVER_LOGGED, remove: true } };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * An error as one log field, for errors whose text may quote what they were given: rate-limit
 * counter names (they hold the client address) are cut from the message.
 */
export function scrubbedError(err: unknown): string {
  return String(err).replace(/printernizer-stats:rate:\S*/g, 'printernizer-stats:rate:…');
}
