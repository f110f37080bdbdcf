import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Compares in constant time: both sides are hashed first, so lengths never leak either. */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** True when `presented` equals one of `keys`; every key is compared, whatever matches first. */
export function matchesAny(presented: string | null, keys: readonly string[]): boolean {
  if (!presented) return false;
  let found = false;
  for (const key of keys) found = safeEqual(presented, key) || found;
  return found;
}

/** What the aggregator keeps of an installation secret: its SHA-256, hex. */
export function hashSecret(secret: string): string {
  return digest(secret).toString('hex');
}

/**
 * The client address used as a rate-limit key: the socket's peer, or with AGGREGATOR_TRUST_PROXY
 * the last X-Forwarded-For entry (the one our own proxy appended; earlier ones are client-supplied).
 */
export function clientAddress(headers: Headers, socketAddress: string | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = headers
      .get('x-forwarded-for')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (forwarded?.length) return forwarded.at(-1)!;
  }
  return socketAddress ?? 'unknown';
}
