/**
 * submitReport throughput against `{ __typename }` on the same server and database, in one run:
 *   npx tsx bench/ingest.ts [seconds] [sqlite|postgresql] [redis] [--cpu-prof=DIR]
 * The aggregator runs built, as a user runs it (`node dist/aggregator/src/server.js`, LOG_LEVEL
 * info), on a fresh database: a SQLite file on disk in a temporary folder (WAL, as users run it)
 * or a new PostgreSQL database; with `redis`, the rate limits are counted in Redis. autocannon
 * drives it over loopback with 10 connections for a bounded time, first `{ __typename }` (POST
 * /graphql), then submitReport with a new installation, report and 32-byte secret per request.
 * Rate limits are set as high as the configuration allows so that every submit is stored: the
 * run fails when any answer is not a 200 or carries an error.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import autocannon from 'autocannon';

import { sampleReport } from './lib/apps.js';
import { startBuilt } from './lib/built-server.js';
import { throwawayDatabase } from './lib/databases.js';

export interface Row {
  measure: string;
  baseline: string;
  measured: string;
  ratio: string;
}

export interface IngestOptions {
  db: 'sqlite' | 'postgresql';
  redis: boolean;
  seconds: number;
  /** Extra node flags for the server (the profile runs it with --cpu-prof). */
  nodeArgs?: string[];
}

const API_KEY = 'bench-ingest-api-key-0123456789';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SUBMIT = `mutation Submit($input: UsageReportInput!) { submitReport(input: $input) { reportId duplicate } }`;
const DAY_MS = 86_400_000;

/** A valid report of a new installation for yesterday (UTC), as the local service sends it. */
function newReportBody(): string {
  const end = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS).toISOString();
  const input = { ...sampleReport({ end, days: 1 }), errors: [{ errorType: 'timeout', component: 'mqtt', count: 2 }] };
  return JSON.stringify({ query: SUBMIT, variables: { input } });
}

interface Load {
  rps: number;
  p99: number;
  requests: number;
  /** Server CPU time (user + system, all threads) per request, ms; NaN where /proc is missing. */
  cpuMs: number;
}

/** CPU time a process has used so far, ms (Linux /proc; clock ticks of 10 ms). */
function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [utime, stime] = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 13)
      .map(Number);
    return (utime + stime) * 10;
  } catch {
    return Number.NaN;
  }
}

/** One bounded autocannon run; fails on any non-2xx answer or GraphQL error in a sample of bodies. */
async function load(base: string, pid: number, seconds: number, request: autocannon.Request): Promise<Load> {
  let errorBodies = 0;
  const cpuBefore = cpuTimeMs(pid);
  let firstError = '';
  const result = await autocannon({
    url: `${base}/graphql`,
    connections: 10,
    duration: seconds,
    requests: [request],
    setupClient(client) {
      client.on('body', (body: Buffer) => {
        if (body.includes('"errors"')) {
          errorBodies++;
          firstError ||= body.toString().slice(0, 500);
        }
      });
    },
  });
  const non2xx = result.non2xx + result.errors + result.timeouts;
  if (non2xx || errorBodies) throw new Error(`${non2xx} failed requests, ${errorBodies} GraphQL errors, e.g. ${firstError}`);
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    requests: result.requests.total,
    cpuMs: (cpuTimeMs(pid) - cpuBefore) / result.requests.total,
  };
}

const headers = { 'content-type': 'application/json', 'x-api-key': API_KEY };

export async function benchIngest(o: IngestOptions): Promise<Row[]> {
  const db = await throwawayDatabase(o.db);
  const server = await startBuilt(
    'dist/aggregator/src/server.js',
    {
      LOG_LEVEL: 'info',
      AGGREGATOR_HOST: '127.0.0.1',
      AGGREGATOR_PORT: '0',
      AGGREGATOR_DATABASE_URL: db.url,
      AGGREGATOR_API_KEYS: API_KEY,
      AGGREGATOR_RATE_LIMIT_PER_HOUR: '100000',
      AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1000000',
      ...(o.redis ? { AGGREGATOR_REDIS_URL: REDIS_URL } : {}),
    },
    o.nodeArgs,
  );
  try {
    const typename = await load(server.base, server.child.pid!, o.seconds, {
      method: 'POST',
      path: '/graphql',
      headers,
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const submit = await load(server.base, server.child.pid!, o.seconds, {
      method: 'POST',
      path: '/graphql',
      setupRequest: (req) => ({
        ...req,
        headers: { ...headers, 'x-installation-secret': randomBytes(32).toString('base64url') },
        body: newReportBody(),
      }),
    });
    const where = `${o.db === 'sqlite' ? 'SQLite file' : 'PostgreSQL'}${o.redis ? ' + Redis limits' : ''}`;
    const sub = `submitReport (new installation each), ${where}, 10 connections, ${o.seconds} s`;
    return [
      {
        measure: `${sub}: req/s vs { __typename }`,
        baseline: `${typename.rps.toFixed(0)}/s`,
        measured: `${submit.rps.toFixed(0)}/s`,
        ratio: `${(submit.rps / typename.rps).toFixed(2)}×`,
      },
      {
        measure: `${sub}: p99 vs { __typename }`,
        baseline: `${typename.p99} ms`,
        measured: `${submit.p99} ms`,
        ratio: `${(submit.p99 / typename.p99).toFixed(2)}×`,
      },
      {
        // Less sensitive than req/s to other processes on the machine.
        measure: `${sub}: server CPU per request vs { __typename }`,
        baseline: `${typename.cpuMs.toFixed(2)} ms`,
        measured: `${submit.cpuMs.toFixed(2)} ms`,
        ratio: `${(submit.cpuMs / typename.cpuMs).toFixed(2)}×`,
      },
    ];
  } finally {
    await server.stop();
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.argv[2] ?? 10);
  const kind = process.argv[3] === 'postgresql' ? 'postgresql' : 'sqlite';
  // --cpu-prof=DIR writes the server's CPU profile there when it stops (bench/results.md's profile).
  const profile = process.argv.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const rows = await benchIngest({ db: kind, redis: process.argv.includes('redis'), seconds, nodeArgs });
  console.log('| measure | baseline | measured | ratio |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.measure} | ${r.baseline} | ${r.measured} | ${r.ratio} |`);
}
