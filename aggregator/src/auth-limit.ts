import type { GraphQLError } from 'graphql';

import { scrubbedError } from '../../common/logger.js';
import { AuthError, IngestError } from './errors.js';
import type { LimitCheck } from './rate-limit.js';
import type { AggregatorServices } from './services.js';

/**
 * Failed authentication (a wrong API key, admin key or installation secret presented) is limited per
 * client address, in the same counters as the report limits (Redis when configured, so shared by
 * every instance). A failure is counted atomically when it happens; once an address has used up its
 * failures, each further attempt is refused before its credential is even looked at, and a failure
 * that finds no room left is answered RATE_LIMITED instead of its own refusal. So past the limit a
 * guess, right or wrong, learns nothing: exactly `max` wrong guesses per window get an answer,
 * however many arrive at once.
 */
const scope = (s: AggregatorServices, address: string): LimitCheck => ({ scope: 'auth', key: address, max: s.config.authFailuresPerIp });

const unavailable = (s: AggregatorServices) => (err: unknown) => {
  s.logger.error({ err: scrubbedError(err) }, 'rate limiter unavailable');
  throw IngestError.unavailable();
};

/** Before any credential is checked: RATE_LIMITED when the address has no failures left. */
export async function refuseLockedOut(s: AggregatorServices, address: string): Promise<void> {
  const state = await s.limiter.peek([scope(s, address)]).catch(unavailable(s));
  if (state.limited) {
    s.metrics.rateLimited.inc({ scope: 'auth' });
    throw AuthError.lockedOut(state.retryAfterSeconds);
  }
}

/** A presented credential was wrong: counts it, and throws its refusal (or RATE_LIMITED when no failure was left). */
export async function failedAuth(s: AggregatorServices, address: string, refusal: GraphQLError): Promise<never> {
  const counted = await s.limiter.consume([scope(s, address)]).catch(unavailable(s));
  if (counted.limited) {
    s.metrics.rateLimited.inc({ scope: 'auth' });
    throw AuthError.lockedOut(counted.retryAfterSeconds);
  }
  throw refusal;
}

/** True for the refusals that mean "a credential was presented and was wrong". */
export const isAuthRefusal = (err: unknown): err is GraphQLError => (err as GraphQLError | null)?.extensions?.code === 'FORBIDDEN';
