/** The aggregator's own refusals, built on the shared catalog in common/errors.ts. */
import { codedError } from '../../common/errors.js';

export { codedError };

export const AuthError = {
  noApiKey: () => codedError('UNAUTHENTICATED', 'A valid X-API-Key header is required.'),
  noSecret: () => codedError('UNAUTHENTICATED', 'The X-Installation-Secret header is required.'),
  wrongSecret: () => codedError('FORBIDDEN', 'The installation secret does not match this installation.'),
  notOwner: () => codedError('FORBIDDEN', "Only the installation's own secret or the operator's admin key may do this."),
  adminOnly: () => codedError('FORBIDDEN', 'This needs the X-Admin-Key header.'),
  lockedOut: (retryAfterSeconds: number) =>
    codedError(
      'RATE_LIMITED',
      `Too many failed authentication attempts from this address; retry after ${retryAfterSeconds} s.`,
      { retryAfterSeconds },
      { headers: { 'Retry-After': String(retryAfterSeconds) } },
    ),
};

export const IngestError = {
  // `field` is the argument path, as for the errors GraphQL itself raises on `$input`.
  invalid: (field: string, problem: string) => codedError('BAD_USER_INPUT', `input.${field}: ${problem}`, { field: `input.${field}` }),
  reportIdReused: () => codedError('BAD_USER_INPUT', 'input.reportId was already used for a different report.', { field: 'input.reportId' }),
  rateLimited: (scope: string, retryAfterSeconds: number) =>
    codedError(
      'RATE_LIMITED',
      `Too many reports from this ${scope}; retry after ${retryAfterSeconds} s.`,
      { retryAfterSeconds },
      { headers: { 'Retry-After': String(retryAfterSeconds) } },
    ),
  unavailable: () => codedError('SERVICE_UNAVAILABLE', 'The aggregator cannot store reports right now; retry later.'),
};
