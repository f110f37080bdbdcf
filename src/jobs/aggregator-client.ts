import pRetry, { AbortError } from 'p-retry';
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';

/** What the client needs from an HTTP client: undici's fetch in production, a fault proxy in tests. */
export type Transport = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

/** undici's fetch through EnvHttpProxyAgent, which honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY. */
export function defaultTransport(): Transport {
  const dispatcher = new EnvHttpProxyAgent();
  return (url, init) => undiciFetch(url, { ...init, dispatcher });
}

/**
 * Why a call failed, classified the way sender and receiver agree: network errors, timeouts, 5xx,
 * SERVICE_UNAVAILABLE and RATE_LIMITED may succeed later; UNAUTHENTICATED, FORBIDDEN and
 * BAD_USER_INPUT never will.
 */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(`${code}: ${message}`);
  }
}

const FINAL = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);

export interface ClientOptions {
  endpoint: string;
  apiKey: string;
  transport: Transport;
  /** Per attempt. */
  timeoutMs: number;
  retries: number;
  /** First backoff; it doubles each retry, with jitter. */
  minBackoffMs: number;
  /** A Retry-After longer than this ends the run: the next run tries again. */
  maxWaitMs: number;
}

async function postOnce(o: ClientOptions, query: string, variables: unknown, headers: Record<string, string>, signal: AbortSignal): Promise<any> {
  const attempt = AbortSignal.any([signal, AbortSignal.timeout(o.timeoutMs)]);
  let res: Awaited<ReturnType<Transport>>;
  let text: string;
  try {
    res = await o.transport(o.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
      signal: attempt,
    });
    text = await res.text();
  } catch (err) {
    if (signal.aborted) throw new AbortError(new DeliveryError('ABORTED', 'stopped while sending', true));
    if (attempt.aborted) throw new DeliveryError('TIMEOUT', `no answer within ${o.timeoutMs / 1000} s`, true);
    // fetch reports "fetch failed"; the reason (ECONNREFUSED, …) is in its cause.
    const cause = (err as { cause?: { message?: string } }).cause;
    throw new DeliveryError('NETWORK_ERROR', cause?.message ?? (err as Error).message, true);
  }
  let body: { data?: any; errors?: { message: string; extensions?: { code?: string; retryAfterSeconds?: number } }[] } = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    // A proxy's HTML error page, say: judged by the status below.
  }
  const error = body.errors?.[0];
  const code = error?.extensions?.code ?? (res.status >= 500 ? `HTTP_${res.status}` : res.status >= 400 ? `HTTP_${res.status}` : null);
  if (!code && body.data) return body.data;
  if (code === 'RATE_LIMITED' || res.status === 429) {
    const header = Number(res.headers.get('retry-after'));
    const seconds = Number.isFinite(header) && header > 0 ? header : (error?.extensions?.retryAfterSeconds ?? 60);
    throw new DeliveryError('RATE_LIMITED', `the aggregator asks to retry after ${seconds} s`, true, seconds * 1000);
  }
  const message = error?.message ?? `HTTP ${res.status} without an answer`;
  if (code && FINAL.has(code)) throw new DeliveryError(code, message, false);
  if (res.status >= 400 && res.status < 500 && res.status !== 408) throw new DeliveryError(code ?? `HTTP_${res.status}`, message, false);
  throw new DeliveryError(code ?? 'NO_DATA', message, true);
}

/**
 * Posts one GraphQL operation with p-retry: retryable failures are retried with exponential
 * backoff and jitter; a Retry-After is waited out if it fits the run, otherwise the run ends.
 * `onAttempt` sees every attempt's error, for the ledger.
 */
export async function postWithRetry(
  o: ClientOptions,
  query: string,
  variables: unknown,
  headers: Record<string, string>,
  signal: AbortSignal,
  onAttempt: (error: DeliveryError | null) => void,
): Promise<any> {
  try {
    return await pRetry(
      async () => {
        const data = await postOnce(o, query, variables, headers, signal);
        onAttempt(null);
        return data;
      },
      {
        retries: o.retries,
        minTimeout: o.minBackoffMs,
        factor: 2,
        randomize: true,
        signal,
        onFailedAttempt: async ({ error }) => {
          const e = error instanceof DeliveryError ? error : new DeliveryError('NETWORK_ERROR', error.message, true);
          onAttempt(e);
          if (!e.retryable) throw e;
          if (e.retryAfterMs !== null) {
            if (e.retryAfterMs > o.maxWaitMs) throw e;
            await new Promise((r) => setTimeout(r, e.retryAfterMs!));
          }
        },
        shouldRetry: ({ error }) => !(error instanceof DeliveryError) || error.retryable,
      },
    );
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof DeliveryError) throw cause;
    throw new DeliveryError('NETWORK_ERROR', (err as Error).message, true);
  }
}

const SUBMIT = `mutation SubmitReport($report: UsageReportInput!) { submitReport(report: $report) { reportId accepted duplicate receivedAt } }`;
const DELETE = `mutation DeleteInstallation($id: ID!) { deleteInstallation(installationId: $id) { installationId deletedReports } }`;

export async function sendReport(o: ClientOptions, report: unknown, secret: string, signal: AbortSignal, onAttempt: (e: DeliveryError | null) => void) {
  const data = await postWithRetry(o, SUBMIT, { report }, { 'x-api-key': o.apiKey, 'x-installation-secret': secret }, signal, onAttempt);
  return data.submitReport as { reportId: string; accepted: boolean; duplicate: boolean; receivedAt: string };
}

export async function sendDeletion(o: ClientOptions, installationId: string, secret: string, signal: AbortSignal, onAttempt: (e: DeliveryError | null) => void) {
  const data = await postWithRetry(o, DELETE, { id: installationId }, { 'x-api-key': o.apiKey, 'x-installation-secret': secret }, signal, onAttempt);
  return data.deleteInstallation as { installationId: string; deletedReports: number };
}
