import { createConnection } from 'node:net';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when a Redis server answers PING within the timeout (a raw RESP exchange, no client library). */
export function redisReachable(timeoutMs = 1500): Promise<boolean> {
  const url = new URL(TEST_REDIS_URL);
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port || 6379) });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => finish(d.toString().startsWith('+PONG')));
  });
}

/**
 * Whether Redis suites run: when the runner found Redis (PZS_TEST_REDIS=1), or, for a file run on
 * its own, when it answers or CI=true (where a missing Redis must fail, not skip).
 */
export async function testRedisAvailable(): Promise<boolean> {
  const flag = process.env.PZS_TEST_REDIS;
  return flag === undefined ? process.env.CI === 'true' || (await redisReachable()) : flag === '1';
}
