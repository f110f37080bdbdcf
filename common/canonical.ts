import { createHash } from 'node:crypto';

/**
 * A value as JSON with keys sorted at every level (undefined members left out, as JSON.stringify
 * does): the same report always gives the same text. Written directly, without sorted copies of
 * every object: it is the stored payload and what the payload hash is taken of.
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    let out = '';
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out += `${out ? ',' : ''}${JSON.stringify(k)}:${canonicalJson(o[k])}`;
    return `{${out}}`;
  }
  return JSON.stringify(v);
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The same report always hashes the same: SHA-256 of its canonical JSON. */
export function canonicalHash(value: unknown): string {
  return sha256(canonicalJson(value));
}
