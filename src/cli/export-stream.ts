/**
 * `export`: the streamed download `GET /usage-data/export` (the same route and service as the server's)
 * copied to a file or stdout chunk by chunk, so a million events never sit in memory. The file is
 * written under a temporary name and renamed at the end: an interrupted export leaves nothing behind.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { Backend } from './backend.js';
import { CliError, EXIT } from './errors.js';
import { bytes, count, type Io } from './output.js';

export interface ExportResult {
  file: string | null;
  bytes: number;
  events: number;
}

/** Counts the events as they pass: each event object has one `"occurredAt":`, and nothing else does before `"submissions":[`. */
class ExportCounter extends Transform {
  bytes = 0;
  events = 0;
  #tail = '';
  #inEvents = true;
  #last = '';

  override _transform(chunk: Buffer, _: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void) {
    this.bytes += chunk.length;
    const text = this.#tail + chunk.toString('latin1');
    if (this.#inEvents) {
      const end = text.indexOf('"submissions":[');
      const part = end === -1 ? text : text.slice(0, end);
      this.events += part.split('"occurredAt":').length - 1;
      if (end !== -1) this.#inEvents = false;
    }
    // Keep the end of the text so a key split between two chunks is still seen once.
    const keep = Math.min(text.length, 16);
    this.#tail = this.#inEvents ? text.slice(text.length - keep).replace(/^.*"occurredAt":/, '') : '';
    this.#last = (this.#last + chunk.toString('latin1')).slice(-2);
    done(null, chunk);
  }

  /** The export ends with `]}`: anything else means the server stopped half-way. */
  get complete(): boolean {
    return this.#last === ']}';
  }
}

/** The body chunk by chunk; through `getReader`, because in-process Yoga answers with its own ReadableStream class. */
async function* chunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function progress(io: Io, counter: ExportCounter, total: number | null): () => void {
  if (!io.stderr.isTTY) return () => {};
  const draw = () => {
    const share = total ? ` of ${count(total)} (${Math.floor((100 * counter.events) / Math.max(total, 1))}%)` : '';
    io.stderr.write(`\r\x1b[2KExporting: ${count(counter.events)} events${share}, ${bytes(counter.bytes)}`);
  };
  draw();
  const timer = setInterval(draw, 200);
  return () => {
    clearInterval(timer);
    io.stderr.write('\r\x1b[2K');
  };
}

export async function exportTo(backend: Backend, io: Io, file: string | null, total: number | null, signal: AbortSignal): Promise<ExportResult> {
  const interrupted = () => new CliError('export interrupted; nothing was written', EXIT.INTERRUPTED, 'INTERRUPTED');
  let response: Response;
  try {
    response = await backend.fetch('/usage-data/export', { signal });
  } catch (err) {
    if (signal.aborted) throw interrupted();
    throw err;
  }
  if (!response.ok || !response.body) throw new CliError(`the export failed: ${backend.target} answered HTTP ${response.status}`);
  const counter = new ExportCounter();
  const partial = file ? `${file}.partial` : null;
  const target: Writable = partial ? createWriteStream(partial, { flags: 'wx' }) : io.stdout;
  const stopProgress = progress(io, counter, total);
  try {
    await pipeline(Readable.from(chunks(response.body), { objectMode: false }), counter, target, { signal, end: partial !== null });
    if (!counter.complete) throw new CliError('the export stopped before its end; nothing was written');
    if (partial && file) await rename(partial, file);
  } catch (err) {
    // Someone else's partial file is left alone.
    if ((err as { code?: string }).code === 'EEXIST') throw new CliError(`${partial} exists: another export may be running; remove it and try again`);
    if (partial) await rm(partial, { force: true });
    if (signal.aborted) throw interrupted();
    if (err instanceof CliError) throw err;
    throw new CliError(`the export failed: ${(err as Error).message}`);
  } finally {
    stopProgress();
  }
  return { file, bytes: counter.bytes, events: counter.events };
}
