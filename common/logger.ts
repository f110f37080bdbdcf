import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout (pino). IPs, secrets and payload contents are never logged. */
export function createLogger(level: string, name = 'printernizer-stats'): Logger {
  return pino({ name, level, redact: { paths: ['*.installationSecret', '*.secret', 'req.headers'], remove: true } });
}
