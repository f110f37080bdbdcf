import { codedError } from '../../common/errors.js';

export { codedError };

export const AuthError = {
  noApiKey: () => codedError('UNAUTHENTICATED', 'A valid X-API-Key header is required.'),
  noSecret: () => codedError('UNAUTHENTICATED', 'The X-Installation-Secret header is required.'),
  wrongSecret: () => codedError('FORBIDDEN', 'The installation secret does not match this installation.'),
  notOwner: () => codedError('FORBIDDEN', "Only the installation's own secret or the operator's admin key may do this."),
  adminOnly: () => codedError('FORBIDDEN', 'This needs the X-Admin-Key header.'),
};

export const IngestError = {
  invalid: (field: string, problem: string) => codedError('BAD_USER_INPUT', `report.${field}: ${problem}`, { field: `report.${field}` }),
  reportIdReused: () => codedError('BAD_USER_INPUT', 'report.reportId was already used for a different report.', { field: 'report.reportId' }),
  rateLimited: (scope: string, retryAfterSeconds: number) =>
    codedError('RATE_LIMITED', `Too many reports from this ${scope}; retry after ${retryAfterSeconds} s.`, {
      retryAfterSeconds,
      http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
    }),
  unavailable: () => codedError('SERVICE_UNAVAILABLE', 'The aggregator cannot store reports right now; retry later.'),
};
