import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

import pRetry, { AbortError } from 'p-retry';
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';

import { ERROR_CODES, isErrorCode, type ErrorCode } from '../../common/errors.js';

/** What the client needs from an HTTP client: undici's fetch in production, a fault proxy in tests. */
export type Transport = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string | Uint8Array<ArrayBuffer>; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

/** undici's fetch through EnvHttpProxyAgent, which honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY. */
export function defaultTransport(): Transport {
  const dispatcher = new EnvHttpProxyAgent();
  return (url, init) => undiciFetch(url, { ...init, dispatcher });
}

/**
 * Failures on this side of the wire, which no server answers and the catalog therefore does not
 * hold: no connection, no answer in time, stopped by shutdown, an answer without data, a bug here,
 * or an HTTP status without a code (a proxy's error page).
 */
export type DeliveryFailure = 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED' | 'NO_DATA' | 'INTERNAL' | `HTTP_${number}`;

/** A catalog code, a failure on this side, or a code this build does not know (from a newer aggregator). */
export type FailureCode = ErrorCode | DeliveryFailure | (string & {});

/**
 * Why a call failed, classified the way sender and receiver agree: a code from the catalog
 * (common/errors.ts) is retried exactly when the catalog marks it retryable. Without one, the
 * status decides: network errors, timeouts, 5xx, 408 and 429 may succeed later; other 4xx never will.
 */
export function retryDecision(status: number, code: unknown): { code: FailureCode; retryable: boolean } {
  if (isErrorCode(code)) return { code, retryable: ERROR_CODES[code].retryable };
  // A code this build does not know (a newer aggregator) is judged by the status it came with.
  const named = typeof code === 'string' ? code : status >= 400 ? (`HTTP_${status}` as const) : 'NO_DATA';
  if (status >= 400 && status < 500) return { code: named, retryable: status === 408 || status === 429 };
  return { code: named, retryable: true };
}

export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    readonly code: FailureCode,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(`${code}: ${message}`);
  }
}

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

/** The `data` of a GraphQL answer: its fields are read by the caller, which knows the operation. */
type Data = Record<string, unknown>;

interface Answer {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: unknown; retryAfterSeconds?: number } }[];
}

/**
 * Bodies larger than this many bytes of JSON are sent gzip-compressed (`Content-Encoding: gzip`);
 * smaller ones gain little and go as they are. A usage report is usually a few KiB.
 */
export const GZIP_THRESHOLD_BYTES = 1024;

const gzipAsync = promisify(gzip);

/** The JSON body, compressed when over the threshold. */
export async function encodeBody(json: string): Promise<{ body: string | Uint8Array<ArrayBuffer>; headers: Record<string, string> }> {
  if (Buffer.byteLength(json) <= GZIP_THRESHOLD_BYTES) return { body: json, headers: {} };
  return { body: new Uint8Array(await gzipAsync(json)), headers: { 'content-encoding': 'gzip' } };
}

async function postOnce(o: ClientOptions, query: string, variables: unknown, headers: Record<string, string>, signal: AbortSignal): Promise<Data> {
  const attempt = AbortSignal.any([signal, AbortSignal.timeout(o.timeoutMs)]);
  let res: Awaited<ReturnType<Transport>>;
  let text: string;
  const json = JSON.stringify({ query, variables });
  const send = (encoded: { body: string | Uint8Array<ArrayBuffer>; headers: Record<string, string> }) =>
    o.transport(o.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers, ...encoded.headers },
      body: encoded.body,
      signal: attempt,
    });
  try {
    const encoded = await encodeBody(json);
    res = await send(encoded);
    text = await res.text();
    // An aggregator older than compression support cannot read the body (400 or 415): send it plain once.
    if (encoded.headers['content-encoding'] && (res.status === 415 || (res.status === 400 && !text.includes('"code":"BAD_USER_INPUT"')))) {
      res = await send({ body: json, headers: {} });
      text = await res.text();
    }
  } catch (err) {
    if (signal.aborted) throw new AbortError(new DeliveryError('ABORTED', 'stopped while sending', true));
    if (attempt.aborted) throw new DeliveryError('TIMEOUT', `no answer within ${o.timeoutMs / 1000} s`, true);
    // fetch reports "fetch failed"; the reason (ECONNREFUSED, …) is in its cause.
    const cause = (err as { cause?: { message?: string } }).cause;
    throw new DeliveryError('NETWORK_ERROR', cause?.message ?? (err as Error).message, true);
  }
  let body: Answer = {};
  try {
    body = text ? (JSON.parse(text) as Answer) : {};
  } catch {
    // A proxy's HTML error page, say: judged by the status below.
  }
  const error = body.errors?.[0];
  if (!error && res.status < 400 && body.data) return body.data;
  const { code, retryable } = retryDecision(res.status, error?.extensions?.code);
  if (code === 'RATE_LIMITED' || res.status === 429) {
    const header = Number(res.headers.get('retry-after'));
    const seconds = Number.isFinite(header) && header > 0 ? header : (error?.extensions?.retryAfterSeconds ?? 60);
    throw new DeliveryError('RATE_LIMITED', `the aggregator asks to retry after ${seconds} s`, true, seconds * 1000);
  }
  throw new DeliveryError(code, error?.message ?? `HTTP ${res.status} without an answer`, retryable);
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
): Promise<Data> {
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

const SUBMIT = `mutation SubmitReport($input: UsageReportInput!) { submitReport(input: $input) { reportId installationId duplicate receivedAt } }`;
const DELETE = `mutation DeleteInstallation($input: DeleteInstallationInput!) { deleteInstallation(input: $input) { installationId deletedReports } }`;

export async function sendReport(o: ClientOptions, report: unknown, secret: string, signal: AbortSignal, onAttempt: (e: DeliveryError | null) => void) {
  const data = await postWithRetry(o, SUBMIT, { input: report }, { 'x-api-key': o.apiKey, 'x-installation-secret': secret }, signal, onAttempt);
  return data.submitReport as { reportId: string; installationId: string; duplicate: boolean; receivedAt: string };
}

export async function sendDeletion(
  o: ClientOptions,
  installationId: string,
  secret: string,
  signal: AbortSignal,
  onAttempt: (e: DeliveryError | null) => void,
) {
  const data = await postWithRetry(o, DELETE, { input: { installationId } }, { 'x-api-key': o.apiKey, 'x-installation-secret': secret }, signal, onAttempt);
  return data.deleteInstallation as { installationId: string; deletedReports: number };
}
