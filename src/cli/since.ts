import { CliError } from './errors.js';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--since`: an instant (`2026-11-28T12:00:00Z`), a UTC day (`2026-11-28`, its midnight) or an age
 * (`30m`, `12h`, `7d`, `2w`) counted back from now.
 */
export function parseSince(value: string, now: Date): string {
  const age = /^(\d{1,6})([mhdw])$/.exec(value);
  if (age) return new Date(now.getTime() - Number(age[1]) * UNIT_MS[age[2]]).toISOString();
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value;
  const parsed = new Date(day);
  if (/^\d{4}-\d{2}-\d{2}T/.test(day) && !Number.isNaN(parsed.getTime())) return parsed.toISOString();
  throw CliError.usage(`--since ${JSON.stringify(value)} is neither a date (2026-11-28), an instant (2026-11-28T12:00:00Z) nor an age (30m, 12h, 7d, 2w)`);
}
