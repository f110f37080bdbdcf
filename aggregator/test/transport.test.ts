import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import type { GraphQLErrorJson } from '../../test/helpers/app.js';
import { testDatabaseKinds } from '../../test/helpers/databases.js';
import { defaultTransport, GZIP_THRESHOLD_BYTES, sendReport, type ClientOptions, type Transport } from '../../src/jobs/aggregator-client.js';
import { gunzipCapped } from '../src/compression.js';
import { API_KEY, createTestAggregator, makeReport, secretFor, SUBMIT, type TestAggregator } from './helpers/aggregator.js';

const COUNT = `{ statsSummary { reportsAccepted } }`;

/** A sample of one counter from a real /metrics scrape, 0 when absent. */
async function metric(t: TestAggregator, name: string, labels: string): Promise<number> {
  const text = await (await t.app.yoga.fetch('http://aggregator.test/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

function post(t: TestAggregator, body: Uint8Array<ArrayBuffer> | string, headers: Record<string, string>) {
  return t.app.yoga.fetch(
    'http://aggregator.test/graphql',
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body },
    { req: { socket: { remoteAddress: '203.0.113.9' } } },
  );
}

const gz = (text: string) => new Uint8Array(gzipSync(text));
const submitBody = (report: ReturnType<typeof makeReport>) => JSON.stringify({ query: SUBMIT, variables: { input: report } });

for (const db of await testDatabaseKinds()) {
  const test = suite<{ t: TestAggregator; server?: Server }>(`aggregator transport [${db}]`);
  test.before.each(async (ctx) => {
    ctx.t = await createTestAggregator({ db, env: { AGGREGATOR_SUMMARY_MAX_AGE_SECONDS: '0' } });
  });
  test.after.each(async (ctx) => {
    await new Promise((r) => (ctx.server ? ctx.server.close(r) : r(null)));
    await ctx.t.close();
  });

  test('a gzip body is inflated and stored; compressed and plain bodies are counted apart', async ({ t }) => {
    const report = makeReport();
    const headers = { 'x-api-key': API_KEY, 'x-installation-secret': secretFor(report.installation.installationId) };
    const res = await post(t, gz(submitBody(report)), { ...headers, 'content-encoding': 'gzip' });
    const body = (await res.json()) as { data?: { submitReport: { reportId: string } }; errors?: unknown };
    assert.is(res.status, 200, JSON.stringify(body));
    assert.is(body.data?.submitReport.reportId, report.reportId);
    await post(t, submitBody(makeReport()), {}); // plain, and refused: no API key
    assert.is(await metric(t, 'aggregator_request_bodies_total', 'encoding="gzip",result="accepted"'), 1);
    assert.ok((await metric(t, 'aggregator_request_bodies_total', 'encoding="identity",result="accepted"')) >= 1);
    assert.is((await t.gql<{ statsSummary: { reportsAccepted: number } }>(COUNT)).data?.statsSummary.reportsAccepted, 1);
  });

  test('a zip bomb answers 413 PAYLOAD_TOO_LARGE and stores nothing; bad gzip and unknown encodings answer 400', async ({ t }) => {
    // 50 MB of JSON-ish zeros compress to about 50 KB, under the 64 KiB limit on the wire.
    const bomb = gzipSync(Buffer.alloc(50_000_000, 0x20));
    assert.ok(bomb.length < 65_536, `the bomb is ${bomb.length} bytes compressed`);
    const res = await post(t, new Uint8Array(bomb), { 'content-encoding': 'gzip', 'x-api-key': API_KEY });
    assert.is(res.status, 413);
    assert.is(((await res.json()) as { errors: GraphQLErrorJson[] }).errors[0].extensions?.code, 'PAYLOAD_TOO_LARGE');
    assert.is(await metric(t, 'aggregator_request_bodies_total', 'encoding="gzip",result="too_large"'), 1);

    const broken = await post(t, 'not gzip at all', { 'content-encoding': 'gzip' });
    assert.is(broken.status, 400);
    assert.is(((await broken.json()) as { errors: GraphQLErrorJson[] }).errors[0].extensions?.code, 'BAD_REQUEST');
    const brotli = await post(t, submitBody(makeReport()), { 'content-encoding': 'br' });
    assert.is(brotli.status, 400);
    assert.is((await t.gql<{ statsSummary: { reportsAccepted: number } }>(COUNT)).data?.statsSummary.reportsAccepted, 0);
  });

  test('the inflater stops reading a bomb soon after the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(200_000_000, 0));
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= bomb.length) {
          controller.close();
          return;
        }
        controller.enqueue(bomb.subarray(pulled, pulled + 1024));
        pulled += 1024;
      },
    });
    await gunzipCapped(stream, 65_536).then(
      () => assert.unreachable('a bomb must not inflate'),
      () => {},
    );
    // 1 KiB of this bomb inflates to about 1 MB: the limit is hit within the first few chunks.
    assert.ok(pulled < bomb.length / 10, `read ${pulled} of ${bomb.length} compressed bytes`);
  });

  test('the submission client gzips a report over the threshold over real HTTP, and the aggregator stores it', async (ctx) => {
    const { t } = ctx;
    ctx.server = createServer((req, res) => void t.app.yoga(req, res)).listen(0, '127.0.0.1');
    await new Promise((r) => ctx.server!.once('listening', r));
    const port = (ctx.server.address() as AddressInfo).port;
    const seen: (string | undefined)[] = [];
    const real = defaultTransport();
    const transport: Transport = (url, init) => {
      seen.push(init.headers['content-encoding']);
      return real(url, init);
    };
    const options: ClientOptions = {
      endpoint: `http://127.0.0.1:${port}/graphql`,
      apiKey: API_KEY,
      transport,
      timeoutMs: 5000,
      retries: 0,
      minBackoffMs: 1,
      maxWaitMs: 10,
    };
    const report = makeReport({ features: Array.from({ length: 30 }, (_, i) => ({ feature: `feature_${i}`, enabled: i % 2 === 0 })) });
    assert.ok(JSON.stringify(report).length > GZIP_THRESHOLD_BYTES);
    const result = await sendReport(options, report, secretFor(report.installation.installationId), new AbortController().signal, () => {});
    assert.is(result.reportId, report.reportId);
    assert.equal(seen, ['gzip']);
    assert.is(await metric(t, 'aggregator_request_bodies_total', 'encoding="gzip",result="accepted"'), 1);
    assert.is((await t.gql<{ statsSummary: { reportsAccepted: number } }>(COUNT)).data?.statsSummary.reportsAccepted, 1);
  });

  test.run();
}
