/**
 * A TCP proxy on loopback that the suite puts between a service and PostgreSQL, to take the
 * database away mid-run: `refuse` resets every connection (a database that is down), `blackhole`
 * keeps connections open and silent (a network that drops packets), `up` forwards again.
 */
import { createServer, connect, type Socket } from 'node:net';

export type ProxyMode = 'up' | 'refuse' | 'blackhole';

export interface TcpProxy {
  port: number;
  mode: ProxyMode;
  set(mode: ProxyMode): void;
  close(): Promise<void>;
}

export async function tcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket | null]>();
  const held = new Set<Socket>();
  let mode: ProxyMode = 'up';
  const server = createServer((client) => {
    client.on('error', () => {});
    if (mode === 'refuse') return client.resetAndDestroy();
    if (mode === 'blackhole') {
      held.add(client);
      client.on('close', () => held.delete(client));
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket | null] = [client, upstream];
    pairs.add(pair);
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      upstream.destroy();
      pairs.delete(pair);
    });
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const proxy: TcpProxy = {
    port: (server.address() as { port: number }).port,
    get mode() {
      return mode;
    },
    set(next) {
      mode = next;
      for (const [client, upstream] of pairs) {
        if (next === 'refuse') {
          client.resetAndDestroy();
          upstream?.destroy();
        } else if (next === 'blackhole') {
          // Stop moving bytes both ways; the sockets stay open, as over a dead link.
          client.unpipe();
          upstream?.unpipe();
          client.pause();
          upstream?.pause();
        }
      }
      if (next !== 'blackhole') for (const s of held) s.resetAndDestroy();
      if (next === 'up') for (const [client] of [...pairs]) if (client.isPaused()) client.resetAndDestroy();
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      for (const s of held) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return proxy;
}
