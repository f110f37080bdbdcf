/**
 * Raw HTTP to the servers under test on 127.0.0.1 (node:http, so the suite can send any bytes and
 * any Host header, which fetch refuses to), and the GraphQL calls built on it.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Give up (and report status 0) after this long. */
  timeoutMs?: number;
  /**
   * A new connection for this request alone: a server may close a kept-alive connection after
   * refusing a body early (413), and reusing it would look like a request without an answer.
   */
  fresh?: boolean;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body when it is JSON. */
  json?: GraphQLBody;
  /** Set when no answer came: the connection failed or timed out. */
  error?: string;
  ms: number;
}

export interface GraphQLErrorBody {
  message?: string;
  extensions?: { code?: unknown; [k: string]: unknown };
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorBody[];
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/**
 * Sends one request to `base` (http://127.0.0.1:port); never throws. A request on a kept-alive
 * connection that the server closed meanwhile (its keep-alive timeout) is sent once more on a new
 * one, as Node's documentation advises (`request.reusedSocket`).
 */
export async function send(base: string, r: RawRequest): Promise<RawResponse> {
  const first = await sendOnce(base, r);
  if (first.status === 0 && first.reused && /ECONNRESET|EPIPE|socket hang up/.test(first.error ?? '')) return sendOnce(base, { ...r, fresh: true });
  return first;
}

function sendOnce(base: string, r: RawRequest): Promise<RawResponse & { reused?: boolean }> {
  const url = new URL(r.path ?? '/graphql', base);
  if (url.hostname !== '127.0.0.1') throw new Error(`the stress suite sends to 127.0.0.1 only, not ${url.hostname}`);
  const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (res: Omit<RawResponse, 'ms'> & { reused?: boolean }) => resolve({ ...res, ms: performance.now() - started });
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        path: url.pathname + url.search,
        method: r.method ?? 'POST',
        agent: r.fresh ? false : agent,
        // The Host header is the request's own when given (foreign Host tests), otherwise the address.
        setHost: false,
        headers: {
          host: `127.0.0.1:${url.port}`,
          ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
          ...r.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', (err) => done({ status: 0, headers: {}, text: '', error: err.message }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: GraphQLBody | undefined;
          if (/json/.test(String(res.headers['content-type']))) {
            try {
              json = JSON.parse(text) as GraphQLBody;
            } catch {
              json = undefined;
            }
          }
          done({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.setTimeout(r.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer within ${r.timeoutMs ?? 30_000} ms`)));
    req.on('error', (err) => done({ status: 0, headers: {}, text: '', error: err.message, reused: req.reusedSocket }));
    req.end(body);
  });
}

/** A GraphQL POST with JSON variables. */
export function gql(base: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}, timeoutMs?: number) {
  return send(base, { body: JSON.stringify({ query, variables }), headers: { accept: 'application/json', ...headers }, timeoutMs });
}

/** The `extensions.code` of each error in the answer (`undefined` for an error without one). */
export const codesOf = (r: RawResponse): unknown[] => (r.json?.errors ?? []).map((e) => e.extensions?.code);

/** The data of a call that must succeed; throws with the answer otherwise. */
export async function ok<T>(base: string, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<T> {
  const r = await gql(base, query, variables, headers);
  if (r.error || r.json?.errors?.length || !r.json?.data) throw new Error(`${query.slice(0, 80)} failed: ${r.status} ${r.error ?? r.text.slice(0, 300)}`);
  return r.json.data as T;
}
