import { createServer, type RequestListener } from 'node:http';
import { connect } from 'node:net';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { API_KEY, createTestAggregator } from '../../aggregator/test/helpers/aggregator.js';
import { createTestApp } from '../helpers/app.js';

const test = suite('HTTP(S)_PROXY');

test('reports go through the proxy named in the environment', async () => {
  const aggregator = await createTestAggregator({ db: 'sqlite' });
  const target = createServer(aggregator.app.yoga as unknown as RequestListener);
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
  const targetPort = (target.address() as { port: number }).port;
  const seen: string[] = [];
  // A minimal forward proxy that tunnels with CONNECT, as undici's proxy agent asks it to.
  const proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client, head) => {
    seen.push(`${req.method} ${req.url}`);
    const [host, port] = req.url!.split(':');
    const upstream = connect(Number(port), host === 'localhost' ? '127.0.0.1' : host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  process.env.HTTPS_PROXY = process.env.HTTP_PROXY;
  const local = await createTestApp({ db: 'sqlite', env: { USAGE_STATS_ENDPOINT: `http://localhost:${targetPort}/graphql`, USAGE_STATS_API_KEY: API_KEY } });
  try {
    await local.ok(`mutation { optInUsageStatistics { usageSettings { consent } } }`);
    const sub = (await local.ok<{ submitUsageReport: { submission: { status: string } } | null }>(`mutation { submitUsageReport { submission { status } } }`))
      .submitUsageReport?.submission;
    assert.is(sub?.status, 'SENT');
    assert.equal(seen, [`CONNECT localhost:${targetPort}`]);
  } finally {
    delete process.env.HTTP_PROXY;
    delete process.env.HTTPS_PROXY;
    await local.close();
    await aggregator.close();
    proxy.close();
    proxy.closeAllConnections();
    target.close();
    target.closeAllConnections();
  }
});

test.run();
