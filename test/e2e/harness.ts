import type { DatabaseKind } from '../../common/db.js';
import type { Transport } from '../../src/jobs/aggregator-client.js';
import { API_KEY, createTestAggregator, type TestAggregator } from '../../aggregator/test/helpers/aggregator.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { TempDatabase } from '../helpers/temp-database.js';

export type Fault = 'ok' | 'slow' | '503' | 'timeout' | 'rate-limited' | 'rate-limited-long' | 'drop-after-commit' | 'refused';

/**
 * Sits between the local API and the aggregator (in-process) and injects one fault per request
 * from a queue, or refuses everything while `down`.
 */
export class FaultProxy {
  readonly faults: Fault[] = [];
  down = false;
  requests = 0;
  constructor(private readonly aggregator: TestAggregator) {}

  transport: Transport = async (url, init) => {
    this.requests++;
    const fault = this.down ? 'refused' : (this.faults.shift() ?? 'ok');
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
    switch (fault) {
      case 'refused':
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:8080') });
      case '503':
        return reply(503, '<html>Service Unavailable</html>', { 'content-type': 'text/html' });
      case 'timeout':
        return new Promise((_, reject) =>
          init.signal.addEventListener(
            'abort',
            () => {
              const reason: unknown = init.signal.reason;
              reject(reason instanceof Error ? reason : new Error(String(reason)));
            },
            { once: true },
          ),
        );
      case 'rate-limited':
        return reply(429, { errors: [{ message: 'Too many', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 } }] }, { 'retry-after': '1' });
      case 'rate-limited-long':
        return reply(429, { errors: [{ message: 'Too many', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 3600 } }] }, { 'retry-after': '3600' });
      default: {
        if (fault === 'slow') await new Promise((r) => setTimeout(r, 250));
        const res = await this.aggregator.app.yoga.fetch(
          url,
          { method: 'POST', headers: init.headers, body: init.body },
          { req: { socket: { remoteAddress: '127.0.0.1' } } },
        );
        if (fault === 'drop-after-commit') {
          await res.text();
          throw new TypeError('fetch failed', { cause: new Error('other side closed') });
        }
        return res;
      }
    }
  };
}

export interface Pair {
  local: TestApp;
  aggregator: TestAggregator;
  proxy: FaultProxy;
  close(): Promise<void>;
}

/** A local API and an aggregator, each on its own fresh database, joined by a fault proxy. */
export async function createPair(db: DatabaseKind, o: { env?: Record<string, string>; localDb?: TempDatabase; now?: string } = {}): Promise<Pair> {
  const aggregator = await createTestAggregator({ db, now: o.now });
  const proxy = new FaultProxy(aggregator);
  const local = await createTestApp({
    db: o.localDb ?? db,
    now: o.now,
    env: { USAGE_STATS_ENDPOINT: 'http://127.0.0.1:8080/graphql', USAGE_STATS_API_KEY: API_KEY, ...o.env },
    delivery: { transport: proxy.transport, minBackoffMs: 5, maxWaitMs: 2000, timeoutMs: 300, shutdownGraceMs: 200 },
  });
  return {
    local,
    aggregator,
    proxy,
    async close() {
      await local.close();
      await aggregator.close();
    },
  };
}
