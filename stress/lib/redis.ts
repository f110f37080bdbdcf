/**
 * A redis-server of the suite's own, on a free loopback port, persisting nothing (--save "",
 * --appendonly no), so stopping it loses the counters as a crashed Redis would, and the shared
 * Redis on 6379 is never touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { Redis } from 'ioredis';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface OwnRedis {
  url: string;
  start(): Promise<void>;
  /** SIGKILL: the server is gone at once. */
  stop(): Promise<void>;
}

export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  const r: OwnRedis = {
    url,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      child.on('error', () => {});
      for (let i = 0; i < 100; i++) {
        const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        client.on('error', () => {});
        const up = await client.connect().then(
          () => client.ping().then((p) => p === 'PONG'),
          () => false,
        );
        client.disconnect();
        if (up) return;
        await sleep(50);
      }
      throw new Error(`redis-server did not answer on ${url} within 5 s`);
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const gone = new Promise<void>((res) => c.once('exit', () => res()));
      c.kill('SIGKILL');
      await gone;
    },
  };
  await r.start();
  return r;
}
