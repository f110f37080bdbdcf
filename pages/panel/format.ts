/** How the panel writes times and numbers: instants in the reader's time zone, report days in UTC. */
import { el } from '../shared/dom.js';

const DAY_MS = 86_400_000;
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** An instant as a `<time>` element in local time; a dash for null. */
export function instant(iso: string | null | undefined): HTMLElement | string {
  return iso ? el('time', { datetime: iso }, dateTimeFormat.format(new Date(iso))) : '—';
}

/** A UTC day (YYYY-MM-DD or a midnight instant) as a `<time>` element. */
export function day(iso: string): HTMLElement {
  return el('time', { datetime: iso.slice(0, 10) }, dayFormat.format(new Date(iso.slice(0, 10) + 'T00:00:00Z')));
}

/** The days of [start, end): its first and last day, both included. */
export function period(start: string, end: string): HTMLElement {
  const last = new Date(new Date(end).getTime() - DAY_MS).toISOString();
  return el('span', {}, day(start), ' – ', day(last));
}

/** `n things` with the plural when needed. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** The UTC day `offset` days from `from`, as YYYY-MM-DD. */
export function utcDay(from: Date, offset = 0): string {
  return new Date(Math.floor(from.getTime() / DAY_MS) * DAY_MS + offset * DAY_MS).toISOString().slice(0, 10);
}

/** Formatted JSON exactly as stored, for `<pre>`. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
