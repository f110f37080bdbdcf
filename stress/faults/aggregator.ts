/**
 * Faults around the aggregator, with submitters running throughout: kill -9 of one of two
 * instances, PostgreSQL refused and black-holed by a TCP proxy the suite controls, the aggregator
 * started while PostgreSQL is down, and the suite's own Redis stopped and restarted. After each,
 * every acknowledged report is stored exactly once.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Failures, type Check } from '../lib/check.js';
import { connect, throwawayDatabase } from '../lib/db.js';
import { send } from '../lib/http.js';
import { ownRedis } from '../lib/redis.js';
import { ADMIN_KEY, API_KEY, startService } from '../lib/servers.js';
import { tcpProxy } from '../lib/tcp-proxy.js';
import { startSubmitters, summarize, type Answer, type Submitters } from './submitters.js';

const ROOT = join(import.meta.dirname, '..', '..');
const base = { part: 'faults' as const, service: 'aggregator', database: 'postgresql' };

/** Every acknowledged report stored, nothing stored that was never acknowledged (reportId is the key, so "once" is the schema's). */
async function storedCheck(url: string, s: Submitters, givenUp: number): Promise<Check> {
  const side = await connect(url);
  try {
    const stored = new Set((await side.all<{ id: string }>('select id from report')).map((r) => r.id));
    const f = new Failures();
    for (const id of s.acked.keys()) if (!stored.has(id)) f.add(`acknowledged ${id} not stored`);
    for (const id of stored) if (!s.acked.has(id)) f.add(`${id} stored, never acknowledged`);
    if (givenUp) f.add(`${givenUp} reports never acknowledged within the retries`);
    return {
      ...base,
      tried: 'afterwards: stored reports vs acknowledged ones',
      expected: 'every acknowledged report stored once, none other',
      observed: f.ok ? `${stored.size} stored = ${s.acked.size} acknowledged` : f.describe('differences'),
      held: f.ok,
    };
  } finally {
    await side.close();
  }
}

function answersCheck(
  tried: string,
  answers: Answer[],
  allowed: (a: Answer) => boolean,
  expected: string,
  defect?: (bad: Answer[]) => number | undefined,
): Check {
  const bad = answers.filter((a) => !allowed(a));
  return {
    ...base,
    tried,
    expected,
    observed: `${summarize(answers)}${bad.length ? `; not allowed: ${summarize(bad)}` : ''}`,
    held: bad.length === 0,
    defect: bad.length ? defect?.(bad) : undefined,
  };
}

const isOk = (a: Answer) => a.kind === 'accepted' || a.kind === 'duplicate';
const is503 = (a: Answer) => a.kind === 'SERVICE_UNAVAILABLE' && a.status === 503;

export async function killAggregator(o: { seconds: number }): Promise<Check[]> {
  const database = await throwawayDatabase('postgresql');
  const redis = await ownRedis();
  const env = {
    AGGREGATOR_DATABASE_URL: database.url,
    AGGREGATOR_REDIS_URL: redis.url,
    AGGREGATOR_RATE_LIMIT_PER_HOUR: '100000',
    AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1000000',
  };
  const a = await startService('aggregator', env);
  const b = await startService('aggregator', env);
  try {
    const subs = startSubmitters({ clients: 8, bases: () => [a.base, b.base], pauseMs: 50 });
    const killAt = o.seconds * (0.3 + Math.random() * 0.4);
    await sleep(killAt * 1000);
    subs.phase = 'after kill';
    await a.kill9();
    await sleep((o.seconds - killAt) * 1000);
    const { givenUp } = await subs.stop();
    await a.restart();
    const ready = await send(a.base, { method: 'GET', path: '/ready' });
    return [
      answersCheck(
        `two instances on one PostgreSQL and Redis, 8 submitters for ${o.seconds} s, kill -9 of one at ${killAt.toFixed(1)} s; failed reports retried with the same reportId`,
        subs.answers,
        (x) => isOk(x) || x.kind === 'no-answer' || is503(x),
        'accepted, duplicate on a retry, or no answer from the dead instance',
      ),
      await storedCheck(database.url, subs, givenUp),
      { ...base, tried: 'the killed instance restarted', expected: '/ready 200', observed: `/ready ${ready.status}`, held: ready.status === 200 },
    ];
  } finally {
    await a.stop();
    await b.stop();
    await redis.stop();
    await database.drop();
  }
}

/** Defect 1: RATE_LIMITED while the installation has fewer than `limit` stored reports this hour. */
function quotaCheck(answers: Answer[], limit: number, lockedOut: number): Check {
  const stored = new Map<string, number>();
  const f = new Failures();
  for (const a of answers) {
    if (a.kind === 'accepted') stored.set(a.installation, (stored.get(a.installation) ?? 0) + 1);
    if (a.kind === 'RATE_LIMITED' && (stored.get(a.installation) ?? 0) < limit)
      f.add(`RATE_LIMITED ${a.phase} with ${stored.get(a.installation) ?? 0} of ${limit} stored`);
  }
  return {
    ...base,
    tried: `quota after the outage (limit ${limit}/h per installation)`,
    expected: 'failed attempts spend no quota',
    observed: f.ok ? 'none' : `${lockedOut} of 4 installations locked out: ${f.describe('early refusals')}`,
    held: f.ok,
    defect: f.ok ? undefined : 1,
  };
}

/** The built aggregator started against a database that refuses: one line and an exit, or a wait it announces. */
async function startWhileDown(env: Record<string, string>): Promise<Check> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'aggregator', 'src', 'server.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      AGGREGATOR_HOST: '127.0.0.1',
      AGGREGATOR_PORT: '0',
      AGGREGATOR_API_KEYS: API_KEY,
      AGGREGATOR_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const code = await Promise.race([exited, sleep(10_000).then(() => 'running' as const)]);
  if (code === 'running') {
    child.kill('SIGKILL');
    await exited;
  }
  const lines = out.trim().split('\n').filter(Boolean);
  const stack = lines.some((l) => /^\s+at\s|\\n\s+at\s/.test(l));
  const announced = /retr|wait/i.test(out);
  const held = code === 'running' ? announced && !stack : code !== 0 && lines.length === 1 && !stack;
  return {
    ...base,
    tried: 'the aggregator started while PostgreSQL refuses',
    expected: 'exits with one line (no stack trace), or waits and says so',
    observed:
      code === 'running'
        ? `still running after 10 s${announced ? ', saying it retries' : ', silent about it'}`
        : `exited ${code} after ${lines.length} lines${stack ? ' with a stack trace' : ''}: ${lines[0]?.slice(0, 120) ?? ''}`,
    held,
    defect: held ? undefined : 2,
  };
}

export async function postgresOutage(o: { seconds: number }): Promise<Check[]> {
  const database = await throwawayDatabase('postgresql');
  const target = new URL(database.url);
  const proxy = await tcpProxy(target.hostname, Number(target.port || 5432));
  const viaProxy = new URL(database.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  const limit = 40;
  const env = { AGGREGATOR_DATABASE_URL: viaProxy.toString(), AGGREGATOR_RATE_LIMIT_PER_HOUR: String(limit), AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1000000' };
  const s = await startService('aggregator', env);
  const checks: Check[] = [];
  try {
    const subs = startSubmitters({ clients: 4, bases: () => [s.base], pauseMs: 100, timeoutMs: 15_000 });
    for (const [phase, mode, secs] of [
      ['before', 'up', 1.5],
      ['refused', 'refuse', o.seconds],
      ['after refusal', 'up', 2],
      ['black-holed', 'blackhole', o.seconds],
      ['after black hole', 'up', 3],
    ] as const) {
      proxy.set(mode);
      subs.phase = phase;
      await sleep(secs * 1000);
    }
    const { givenUp, lockedOut } = await subs.stop();
    const during = subs.answers.filter((a) => a.phase === 'refused' || a.phase === 'black-holed');
    checks.push(
      answersCheck(
        `4 submitters; PostgreSQL refused for ${o.seconds} s, then black-holed for ${o.seconds} s (TCP proxy)`,
        during,
        (a) => isOk(a) || (is503(a) && a.ms < 15_000),
        'SERVICE_UNAVAILABLE (503) within 15 s',
        () => 2,
      ),
      answersCheck(
        'the same submitters before and after the outages (an installation stops at its first RATE_LIMITED)',
        subs.answers.filter((a) => !during.includes(a)),
        // RATE_LIMITED is judged by the quota check below: right once the limit is reached, wrong before.
        (a) => isOk(a) || is503(a) || a.kind === 'RATE_LIMITED',
        'accepted (503 while reconnecting)',
        (bad) => (bad.some((a) => a.kind === 'RATE_LIMITED') ? 1 : 2),
      ),
      quotaCheck(subs.answers, limit, lockedOut),
      await storedCheck(database.url, subs, givenUp),
    );
    const ready = await send(s.base, { method: 'GET', path: '/ready' });
    checks.push({ ...base, tried: 'the instance after the outages', expected: '/ready 200', observed: `/ready ${ready.status}`, held: ready.status === 200 });
    proxy.set('refuse');
    checks.push(await startWhileDown(env));
    return checks;
  } finally {
    proxy.set('up');
    await s.stop();
    await proxy.close();
    await database.drop();
  }
}

export async function redisOutage(o: { seconds: number }): Promise<Check[]> {
  const database = await throwawayDatabase('postgresql');
  const redis = await ownRedis();
  const s = await startService('aggregator', {
    AGGREGATOR_DATABASE_URL: database.url,
    AGGREGATOR_REDIS_URL: redis.url,
    AGGREGATOR_RATE_LIMIT_PER_HOUR: '100000',
    AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1000000',
  });
  try {
    const subs = startSubmitters({ clients: 4, bases: () => [s.base], pauseMs: 100 });
    await sleep(1500);
    subs.phase = 'redis stopped';
    await redis.stop();
    await sleep(o.seconds * 1000);
    await redis.start();
    subs.phase = 'redis restarted';
    await sleep(3000);
    const { givenUp } = await subs.stop();
    const after = subs.answers.filter((a) => a.phase === 'redis restarted');
    return [
      answersCheck(
        `4 submitters; the suite's redis-server killed for ${o.seconds} s, then started again`,
        subs.answers,
        (a) => isOk(a) || is503(a),
        'accepted, or SERVICE_UNAVAILABLE (503) while Redis is away',
      ),
      {
        ...base,
        database: 'postgresql + Redis',
        tried: 'after Redis is back',
        expected: 'reports accepted again',
        observed: summarize(after),
        held: after.some(isOk),
      },
      await storedCheck(database.url, subs, givenUp),
    ];
  } finally {
    await s.stop();
    await redis.stop();
    await database.drop();
  }
}
