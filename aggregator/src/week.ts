import { DAY_MS, isoDay } from '../../common/clock.js';

/** Monday (UTC) of the ISO week containing `at`, as YYYY-MM-DD. */
export function isoWeekStart(at: Date): string {
  const day = Math.floor(at.getTime() / DAY_MS);
  const monday = day - ((day + 3) % 7); // 1970-01-01 was a Thursday
  return isoDay(new Date(monday * DAY_MS));
}

/** The `count` ISO week starts ending with the week of `at`, oldest first. */
export function recentWeeks(at: Date, count: number): string[] {
  const last = new Date(isoWeekStart(at)).getTime();
  return Array.from({ length: count }, (_, i) => isoDay(new Date(last - (count - 1 - i) * 7 * DAY_MS)));
}
