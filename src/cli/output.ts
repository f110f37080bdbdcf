/** How commands write: results on stdout (text, or JSON with --json), errors and progress on stderr. */
import type { Writable } from 'node:stream';

export interface Io {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  now: () => Date;
}

/**
 * A stored string shown in a terminal: control characters (escape sequences, carriage returns) are
 * replaced, so a printer named `\x1b[2J` cannot clear the screen or fake a line of output.
 */
export function clean(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '-';
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
}

/** Columns padded to their widest cell; every cell is cleaned. */
export function table(headers: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(clean))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** `2026-11-30T03:00:00.000Z (in 14 hours)`. */
export function when(iso: string | null | undefined, now: Date): string {
  if (!iso) return '-';
  const diff = new Date(iso).getTime() - now.getTime();
  const [unit, ms] = units.find(([, size]) => Math.abs(diff) >= size) ?? units[3];
  return `${iso} (${new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(Math.round(diff / ms), unit)})`;
}

export const count = (n: number) => n.toLocaleString('en');

/** `1 report`, `3 reports`. */
export const plural = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function line(io: Io, text = ''): void {
  io.stdout.write(`${text}\n`);
}

export function json(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
