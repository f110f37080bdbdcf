/** The privacy grep: what must never appear in a log line, whatever the level. */
import { SENSITIVE } from '../hostile/values.js';
import { Failures } from './check.js';
import { ADMIN_KEY, API_KEY } from './servers.js';

/**
 * A client address as a logged value: 127.0.0.1 (or ::1, ::ffff:127.0.0.1) not preceded by `/` or
 * `@` and not followed by `:port`, which is the service's own listen URL or database URL.
 */
const CLIENT_IP = /(?<![/@\d.])(?:::ffff:)?127\.0\.0\.1(?![:\d])|"::1"|\bip:::1\b/;

export interface LogFindings {
  ip: Failures;
  secrets: Failures;
  printer: Failures;
}

/** Looks through log text for client addresses, keys and secrets, and printer names, serials and hosts. */
export function grepLogs(text: string, extraSecrets: string[] = []): LogFindings {
  const found: LogFindings = { ip: new Failures(), secrets: new Failures(), printer: new Failures() };
  const secrets = [API_KEY, ADMIN_KEY, ...SENSITIVE.secrets, ...extraSecrets];
  const printer = [...SENSITIVE.names, ...SENSITIVE.serials, ...SENSITIVE.hosts];
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    // An outgoing connection's error names its target (the database, Redis), not a client.
    const line = /"syscall":"connect"/.test(raw)
      ? raw.replace(/"address":"[^"]*"/g, '"address":"<target>"').replace(/(ECONN\w+|ETIMEDOUT) [\d.]+/g, '$1 <target>')
      : raw;
    if (CLIENT_IP.test(line)) found.ip.add(line.slice(0, 200));
    const s = secrets.find((x) => line.includes(x));
    if (s) found.secrets.add(`${s.slice(0, 14)}… in ${line.slice(0, 120)}`);
    const p = printer.find((x) => line.includes(x));
    if (p) found.printer.add(`${p} in ${line.slice(0, 160)}`);
  }
  return found;
}
