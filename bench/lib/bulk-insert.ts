/**
 * Bulk writes of fleet rows with each database's plain driver, beside the service's own connection
 * (no ORM formatting of megabyte parameters). The rows are built and encoded by worker threads
 * (bench/lib/fleet-worker.ts), so this thread only hands text to the driver. SQLite: one
 * `insert … select … from json_each(?)` per table and chunk, a transaction per chunk, and
 * `synchronous = OFF` on this connection only (the bench's throwaway file; the service keeps its own
 * settings). PostgreSQL: `COPY … FROM STDIN` per table (one message), a transaction per chunk,
 * `synchronous_commit = off` for this session.
 */
import { Worker } from 'node:worker_threads';

import pg from 'pg';
import sqlite3 from 'sqlite3';

import type { DatabaseKind } from '../../common/db.js';
import { FLEET_TABLES, encodeRows, fleetRows, type EncodedRows, type FleetRows } from './fleet-rows.js';
import type { FleetJob } from './fleet-worker.js';

export interface BulkWriter {
  /** Inserts every row in one transaction. */
  insert(rows: EncodedRows): Promise<void>;
  /** Runs statements without parameters (e.g. `analyze`). */
  run(text: string): Promise<void>;
  close(): Promise<void>;
}

const TABLES = Object.keys(FLEET_TABLES) as (keyof FleetRows)[];

export function openBulkWriter(kind: DatabaseKind, url: string): Promise<BulkWriter> {
  return kind === 'postgresql' ? postgresWriter(url) : sqliteWriter(url.replace(/^sqlite:/, ''));
}

async function sqliteWriter(path: string): Promise<BulkWriter> {
  const db = new sqlite3.Database(path);
  const exec = (text: string) => new Promise<void>((resolve, reject) => db.exec(text, (err) => (err ? reject(err) : resolve())));
  await exec('PRAGMA busy_timeout = 5000; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;');
  const statements = Object.fromEntries(
    TABLES.map((t) => {
      const { name, columns } = FLEET_TABLES[t];
      return [t, db.prepare(`insert into ${name} (${columns.join(', ')}) select ${columns.map((_, n) => `value ->> ${n}`).join(', ')} from json_each(?)`)];
    }),
  ) as Record<keyof FleetRows, sqlite3.Statement>;
  return {
    insert: (rows) =>
      new Promise<void>((resolve, reject) => {
        let failure: Error | null = null;
        const fail = (err: Error | null) => void (err && (failure ??= err));
        // serialize() keeps begin, the inserts and commit in order without a round trip to this thread between them.
        db.serialize(() => {
          db.run('begin', fail);
          for (const t of TABLES) statements[t].run([rows[t]], fail);
          // A failed insert fails the bench (the database is thrown away), whatever the commit kept.
          db.run('commit', (err: Error | null) => (err || failure ? reject(err ?? failure!) : resolve()));
        });
      }),
    run: exec,
    async close() {
      for (const s of Object.values(statements)) await new Promise<void>((resolve) => s.finalize(() => resolve()));
      await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** A COPY … FROM STDIN that sends one prepared buffer: pg answers the server's CopyInResponse with it. */
class CopyIn extends pg.Query {
  constructor(
    text: string,
    private readonly data: Buffer,
    callback: (err: Error | undefined) => void,
  ) {
    super(text, [], callback);
  }

  handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }): void {
    connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }
}

async function postgresWriter(url: string): Promise<BulkWriter> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set synchronous_commit = off');
  const copy = (table: keyof FleetRows, text: string) =>
    new Promise<void>((resolve, reject) => {
      const { name, columns } = FLEET_TABLES[table];
      client.query(new CopyIn(`copy ${name} (${columns.join(', ')}) from stdin`, Buffer.from(text), (err) => (err ? reject(err) : resolve())));
    });
  return {
    async insert(rows) {
      try {
        await client.query('begin');
        for (const t of TABLES) await copy(t, rows[t]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      }
    },
    run: async (text) => void (await client.query(text)),
    close: () => client.end(),
  };
}

type Reply = { id: number; rows?: EncodedRows; error?: string };

/** Worker threads building chunks in parallel; results come back in the order asked. */
function rowBuilders(count: number) {
  // The bench runs under tsx: the worker registers it before loading its TypeScript entry.
  const entry = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./fleet-worker.ts', import.meta.url).href)}); })`;
  const workers = Array.from({ length: count }, () => new Worker(entry, { eval: true }));
  const waiting = new Map<number, { resolve: (r: EncodedRows) => void; reject: (e: Error) => void }>();
  for (const w of workers)
    w.on('message', (m: Reply) => {
      const p = waiting.get(m.id)!;
      waiting.delete(m.id);
      if (m.rows) p.resolve(m.rows);
      else p.reject(new Error(m.error));
    });
  let next = 0;
  return {
    build: (job: Omit<FleetJob, 'id'>) =>
      new Promise<EncodedRows>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        workers[id % count].postMessage({ ...job, id });
      }),
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

/**
 * Inserts installations [from, to) with `reportsEach` reports each, `chunk` installations per
 * transaction. Two worker threads build the next chunks while the database stores the current one;
 * a small seed (the sample check) is built on this thread.
 */
export async function seedFleet(db: BulkWriter, kind: DatabaseKind, o: { from?: number; to: number; reportsEach: number; chunk?: number }): Promise<void> {
  const from = o.from ?? 0;
  const chunk = o.chunk ?? 1000;
  if (o.to - from <= chunk) return db.insert(encodeRows(kind, fleetRows(kind, from, o.to, o.reportsEach)));
  const builders = rowBuilders(2);
  try {
    const starts: number[] = [];
    for (let s = from; s < o.to; s += chunk) starts.push(s);
    const job = (s: number) => builders.build({ kind, from: s, to: Math.min(o.to, s + chunk), reportsEach: o.reportsEach });
    // Up to three chunks in flight: two being built, one being inserted. A chunk leaves the queue
    // when it is taken, so the rows of a stored chunk can be collected (a million reports are gigabytes).
    const queue = starts.slice(0, 3).map(job);
    for (let n = 0; n < starts.length; n++) {
      const rows = await queue.shift()!;
      if (n + 3 < starts.length) queue.push(job(starts[n + 3]));
      await db.insert(rows);
    }
  } finally {
    await builders.close();
  }
}
