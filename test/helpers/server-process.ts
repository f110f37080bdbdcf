/**
 * A server started as its own process (the compiled one by default, as `npm start` runs it), its
 * output collected, its address read from the banner it logs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type IncomingHttpHeaders } from 'node:http';

import { BUILT, root } from './build.js';
import { waitFor } from './wait.js';

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  /** `http://host:port`, once the banner is out; rejects if the process exits first. */
  url: Promise<string>;
  exit: Promise<number | null>;
  /** Waits (with a deadline) until the output matches. */
  waitForOutput: (pattern: RegExp, message: string, timeoutMs?: number) => Promise<void>;
}

const BANNER = { local: /GraphiQL at (http:\/\/[^/]+)\/graphql/, aggregator: /GraphQL at (http:\/\/[^/]+)\/graphql/ } as const;

/** `node dist/...` (built) or `node --import tsx <source>` (as `npm run dev` runs it). */
export function startServer(service: 'local' | 'aggregator', env: Record<string, string>, { built = true } = {}): ServerProcess {
  const source = service === 'local' ? 'src/server.ts' : 'aggregator/src/server.ts';
  const args = built ? [BUILT[service]] : ['--import', 'tsx', source];
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const m = BANNER[service].exec(output);
      if (m) resolve(m[1]);
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', () => reject(new Error(`server exited: ${output}`)));
  });
  url.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitForOutput = (pattern: RegExp, message: string, timeoutMs = 30_000) => waitFor(() => pattern.test(output), { timeoutMs, message, intervalMs: 10 });
  return { child, output: () => output, url, exit, waitForOutput };
}

export interface HeldRequest {
  /** Resolves once the server has read the headers and dispatched the request (its `100 Continue`). */
  dispatched: Promise<void>;
  /** Sends the first `bytes` of the body. */
  sendPart: (bytes: number) => void;
  /** Sends the rest of the body. */
  finish: () => void;
  response: Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>;
}

/**
 * A POST whose body is held back: the headers go out with `Expect: 100-continue`, so the server's
 * `100 Continue` proves the request is in flight on its side before the test does anything else.
 */
export function heldPost(base: string, path: string, body: string, headers: Record<string, string> = {}): HeldRequest {
  const url = new URL(path, base);
  const req = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), expect: '100-continue', ...headers },
  });
  const dispatched = new Promise<void>((resolve) => req.on('continue', () => resolve()));
  const response = new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
  });
  response.catch(() => {});
  req.flushHeaders();
  const bytes = Buffer.from(body);
  let sent = 0;
  return {
    dispatched,
    response,
    sendPart: (n) => {
      req.write(bytes.subarray(sent, sent + n));
      sent += n;
    },
    finish: () => req.end(bytes.subarray(sent)),
  };
}
