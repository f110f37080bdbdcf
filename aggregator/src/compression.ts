import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

import type { Plugin } from 'graphql-yoga';

import { errorResponse } from '../../common/errors.js';
import type { Metrics } from './metrics.js';

class TooLarge extends Error {}

/** Chunks of a fetch body, through its reader: works for Node's streams and whatwg-node's alike. */
async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) yield chunk.value;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * Inflates a gzip stream with node:zlib, counting what comes out: past `maxBytes` the pipeline is
 * destroyed at once, so a zip bomb costs at most one zlib chunk (16 KiB) beyond the limit.
 */
export async function gunzipCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const out: Buffer[] = [];
  let size = 0;
  // pipeline rejects with its own AbortError when the last stage throws: the size tells why.
  await pipeline(Readable.from(chunksOf(body)), createGunzip(), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > maxBytes) throw new TooLarge();
      out.push(chunk);
    }
  }).catch((err: unknown) => {
    throw size > maxBytes ? new TooLarge() : err;
  });
  return Buffer.concat(out, size);
}

/**
 * Accepts `Content-Encoding: gzip` on POST: the body is inflated with the same byte limit as a plain
 * one (AGGREGATOR_MAX_BODY_BYTES, now on the decompressed size; bodyLimit, which runs first, caps
 * the compressed size) and handed on as a plain JSON request. Bodies are counted by encoding.
 */
export function gzipBodies(maxBytes: number, metrics: Metrics): Plugin {
  return {
    async onRequest(hook) {
      const { request } = hook;
      const endResponse = (response: Response) => hook.endResponse(response);
      if (request.method !== 'POST') return;
      const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
      if (encoding === 'identity' || encoding === '') {
        metrics.bodies.inc({ encoding: 'identity', result: 'accepted' });
        return;
      }
      if (encoding !== 'gzip' && encoding !== 'x-gzip') {
        metrics.bodies.inc({ encoding: 'other', result: 'refused' });
        endResponse(errorResponse('BAD_REQUEST', 'Content-Encoding must be gzip or identity.'));
        return;
      }
      let inflated: Buffer;
      try {
        inflated = request.body ? await gunzipCapped(request.body, maxBytes) : Buffer.alloc(0);
      } catch (err) {
        const tooLarge = err instanceof TooLarge;
        metrics.bodies.inc({ encoding: 'gzip', result: tooLarge ? 'too_large' : 'invalid' });
        endResponse(
          tooLarge
            ? errorResponse('PAYLOAD_TOO_LARGE', `The decompressed body is larger than ${maxBytes} bytes.`)
            : errorResponse('BAD_REQUEST', 'The body is not valid gzip.'),
        );
        return;
      }
      metrics.bodies.inc({ encoding: 'gzip', result: 'accepted' });
      const headers = new Headers(request.headers);
      headers.delete('content-encoding');
      headers.delete('content-length');
      hook.setRequest(new Request(request.url, { method: 'POST', headers, body: inflated.toString('utf8'), signal: request.signal }));
    },
  };
}
