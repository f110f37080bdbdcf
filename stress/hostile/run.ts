/**
 * Hostile input against one built service on one database: the generated requests one at a time,
 * the stored row counts read from the side before and after each, then guessing floods, the
 * process's health and the privacy grep of its debug log.
 */
import fc from 'fast-check';

import { isErrorCode } from '../../common/errors.js';
import { Failures, type Check } from '../lib/check.js';
import { connect, throwawayDatabase } from '../lib/db.js';
import { gql, ok, send, type RawResponse } from '../lib/http.js';
import { grepLogs } from '../lib/privacy.js';
import { freePort } from '../lib/redis.js';
import { API_KEY, startService, type Service as Running } from '../lib/servers.js';
import { CATEGORIES, hostileRequests, report, type HostileRequest, type Service } from './requests.js';
import { SENSITIVE } from './values.js';

export interface HostileOptions {
  service: Service;
  db: 'sqlite' | 'postgresql';
  count: number;
  seed: number;
  log?: (line: string) => void;
}

const TABLES: Record<Service, string[]> = {
  local: ['usage_event', 'printer', 'submission', 'usage_settings', 'deletion_request'],
  aggregator: ['report', 'installation', 'installation_week'],
};

/** Statuses documented as answered with an empty body (README: 404, 406, 415). */
const EMPTY_BODY_STATUSES = new Set([404, 406, 415]);

/** The defect a failing request points at by its content: NUL bytes, out-of-range dates and non-UUID ids are defect 6. */
function hint(req: HostileRequest): number | undefined {
  const body = String(req.body ?? '');
  return body.includes('\0') || /\\u0000|deleteInstallation|0000-01-01|9999-12-31|[-+]\d{6}-/.test(body) ? 6 : undefined;
}

/** True when the answer gave nothing away: an error status outside /graphql, or no non-null data. */
function refused(req: HostileRequest, r: RawResponse): boolean {
  if (req.path && !req.path.startsWith('/graphql')) return r.status >= 400;
  const data = r.json?.data;
  return !data || Object.values(data).every((v) => v === null);
}

/** A printer, an event and a consent (local), or one stored installation (aggregator); returns its id. */
async function prepare(s: Running, service: Service): Promise<string> {
  if (service === 'local') {
    await ok(s.base, 'mutation { optInUsageStatistics { usageSettings { consent } } }');
    await ok(s.base, 'mutation($i: AddPrinterInput!) { addPrinter(input: $i) { printer { id } } }', {
      i: { name: SENSITIVE.names[0], type: 'bambu_lab', serial: SENSITIVE.serials[0], host: SENSITIVE.hosts[0] },
    });
    await ok(s.base, 'mutation { recordUsageEvent(input: { type: JOB_COMPLETED, durationSeconds: 60 }) { event { id } } }');
    return '';
  }
  const input = report();
  await ok(
    s.base,
    'mutation($input: UsageReportInput!) { submitReport(input: $input) { reportId } }',
    { input },
    { 'x-api-key': API_KEY, 'x-installation-secret': SENSITIVE.secrets[0] },
  );
  return (input as { installation: { installationId: string } }).installation.installationId;
}

/** Failed-authentication floods (defect 8): some answer must be RATE_LIMITED with Retry-After. */
async function guessing(s: Running, n: number, target: string): Promise<{ tried: number; limited: number; firstLimitedAt: number }> {
  let limited = 0;
  let firstLimitedAt = -1;
  for (let i = 0; i < n; i++) {
    const r =
      i % 2 === 0
        ? await gql(s.base, '{ anomalies { kind } }', undefined, { 'x-admin-key': `guess-${i}-0123456789abcdef` })
        : await gql(
            s.base,
            'mutation($i: DeleteInstallationInput!) { deleteInstallation(input: $i) { deletedReports } }',
            { i: { installationId: target } },
            {
              'x-installation-secret': `guess-${i}-${SENSITIVE.secrets[5]}`,
            },
          );
    if (r.json?.errors?.some((e) => e.extensions?.code === 'RATE_LIMITED') && r.headers['retry-after']) {
      limited++;
      if (firstLimitedAt < 0) firstLimitedAt = i + 1;
    }
  }
  return { tried: n, limited, firstLimitedAt };
}

export async function runHostile(o: HostileOptions): Promise<Check[]> {
  const log = o.log ?? (() => {});
  const database = await throwawayDatabase(o.db);
  const env: Record<string, string> =
    o.service === 'local'
      ? {
          DATABASE_URL: database.url,
          USAGE_STATS_ENDPOINT: `http://127.0.0.1:${await freePort()}/graphql`,
          USAGE_STATS_RETRY_COUNT: '0',
          USAGE_STATS_TIMEOUT: '5',
          USAGE_STATS_STARTUP_DELAY: '86400',
        }
      : {
          AGGREGATOR_DATABASE_URL: database.url,
          AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1000000',
          AGGREGATOR_RATE_LIMIT_PER_HOUR: '1000',
          // Wrong keys are part of the generated traffic: a lock-out would answer the rest RATE_LIMITED
          // before validation and hide what the validation does. The guessing flood has its own instance.
          AGGREGATOR_AUTH_FAILURES_PER_IP_PER_HOUR: '100000',
        };
  const s = await startService(o.service, env);
  const side = await connect(database.url);
  const checks: Check[] = [];
  const row = (tried: string, expected: string, f: Failures, what: string, defect?: number) =>
    checks.push({
      part: 'hostile',
      service: o.service,
      database: o.db,
      tried,
      expected,
      observed: f.describe(what),
      held: f.ok,
      defect: f.ok ? undefined : defect,
    });
  try {
    const known = await prepare(s, o.service);
    const requests = fc.sample(hostileRequests(o.service), { numRuns: o.count, seed: o.seed });
    const byCategory = new Map<string, { n: number; crash: Failures; coded: Failures; refusal: Failures; echo: Failures; cutOffs: number; hint?: number }>();
    const stored = new Failures();
    let before = await side.counts(TABLES[o.service]);
    let done = 0;
    for (const req of requests) {
      const c =
        byCategory.get(req.category) ??
        byCategory
          .set(req.category, { n: 0, crash: new Failures(), coded: new Failures(), refusal: new Failures(), echo: new Failures(), cutOffs: 0 })
          .get(req.category)!;
      c.n++;
      const failuresBefore = c.crash.count + c.coded.count + c.refusal.count + c.echo.count;
      const r = await send(s.base, {
        method: req.method ?? (req.body === undefined ? 'GET' : 'POST'),
        path: req.path,
        headers: req.headers,
        body: req.body,
        timeoutMs: 30_000,
        fresh: true,
      });
      const what = `${req.category} ${String(req.body ?? req.path ?? '').slice(0, 60)}`;
      const codes = (r.json?.errors ?? []).map((e) => e.extensions?.code);
      // A server may refuse a body over its limit (the aggregator's is 64 KiB) by closing the
      // connection while the body is still being sent; /health right after tells that from a crash.
      const size = req.body === undefined ? 0 : Buffer.byteLength(req.body);
      const cutOff = r.status === 0 && size > 65_536 && /EPIPE|ECONNRESET/.test(r.error ?? '');
      if (cutOff && (await send(s.base, { method: 'GET', path: '/health', fresh: true })).status === 200) c.cutOffs++;
      else if (r.status === 0) c.crash.add(`no answer (${r.error}) to ${what}`);
      else if (r.status >= 500 && !(r.status === 503 && codes.length > 0 && codes.every((x) => x === 'SERVICE_UNAVAILABLE')))
        c.crash.add(`${r.status} ${codes.join(',')} to ${what}`);
      if (r.status !== 0) {
        if (r.json?.errors?.some((e) => !isErrorCode(e.extensions?.code)))
          c.coded.add(`uncoded error ${JSON.stringify(r.json.errors[0]).slice(0, 100)} to ${what}`);
        else if (r.status >= 400 && !r.json?.errors?.length && !EMPTY_BODY_STATUSES.has(r.status) && r.status !== 200)
          c.coded.add(`${r.status} without a coded error to ${what}`);
        if (r.json?.errors?.some((e) => /did you mean/i.test(String(e.message)))) c.echo.add(`a "Did you mean" suggestion to ${what}`);
        if (req.noEcho && r.text.includes(req.noEcho)) c.echo.add(`the body echoed back: ${r.text.slice(0, 100)}`);
        if (req.expectCode && r.status !== 0 && !codes.includes(req.expectCode))
          c.refusal.add(`${r.status} ${codes.join(',') || 'no error'} instead of ${req.expectCode} to ${what}`);
        else if (req.mustRefuse && !refused(req, r)) c.refusal.add(`${r.status} with data ${JSON.stringify(r.json?.data ?? r.text).slice(0, 80)} to ${what}`);
      }
      if (c.crash.count + c.coded.count + c.refusal.count + c.echo.count > failuresBefore) c.hint ??= hint(req);
      const after = await side.counts(TABLES[o.service]);
      if (refused(req, r) && TABLES[o.service].some((t) => after[t] !== before[t]))
        stored.add(`${JSON.stringify(before)} → ${JSON.stringify(after)} after a refused ${what}`);
      before = after;
      if (++done % 500 === 0) log(`${o.service}/${o.db}: ${done}/${requests.length}`);
    }
    for (const [name, c] of [...byCategory].sort()) {
      const meta = CATEGORIES[name];
      const problems = [
        c.crash.ok ? '' : c.crash.describe('crashes or 5xx'),
        c.coded.ok ? '' : c.coded.describe('uncoded'),
        c.refusal.ok ? '' : c.refusal.describe('not refused as expected'),
        c.echo.ok ? '' : c.echo.describe('leaks'),
      ].filter(Boolean);
      checks.push({
        part: 'hostile',
        service: o.service,
        database: o.db,
        tried: `${c.n} × ${meta.what}`,
        expected: `no 5xx but 503, every error coded${requests.some((q) => q.category === name && q.mustRefuse) ? ', refused' : ''}`,
        observed: problems.length ? problems.join('; ') : c.cutOffs ? `held (${c.cutOffs} cut off while sending, /health 200 after)` : 'held',
        held: problems.length === 0,
        defect: problems.length ? (meta.defect ?? (name === 'foreign-host' && o.service === 'local' ? 3 : c.hint)) : undefined,
      });
    }
    row(
      `${o.count} requests: rows stored by refused ones (${TABLES[o.service].join(', ')} counted before and after each)`,
      'none',
      stored,
      'refused requests changed rows',
    );
    let total = o.count;
    if (o.service === 'aggregator') {
      const n = Math.max(40, Math.round(o.count / 10));
      const fresh = await startService('aggregator', { AGGREGATOR_DATABASE_URL: database.url });
      const g = await guessing(fresh, n, known).finally(() => fresh.stop());
      total += n;
      checks.push({
        part: 'hostile',
        service: o.service,
        database: o.db,
        tried: `${n} wrong admin keys and installation secrets from one address`,
        expected: 'RATE_LIMITED with Retry-After before the end',
        observed: g.limited ? `${g.limited} limited, the first after ${g.firstLimitedAt} guesses` : 'every guess answered',
        held: g.limited > 0,
        defect: g.limited > 0 ? undefined : 8,
      });
    }
    const alive = new Failures();
    const health = await send(s.base, { method: 'GET', path: '/health' });
    if (health.status !== 200) alive.add(`/health answered ${health.status} ${health.error ?? ''}`);
    row(`the process after ${total} requests`, 'alive, /health 200', alive, 'problems');
    const found = grepLogs(s.logs());
    row(`debug log (${s.logs().split('\n').length} lines): client IP`, 'absent', found.ip, 'lines', 4);
    row('debug log: keys and installation secrets sent', 'absent', found.secrets, 'lines', 4);
    if (o.service === 'local') row('debug log: printer names, serials and hosts sent', 'absent', found.printer, 'lines', 6);
    return checks;
  } finally {
    await side.close();
    await s.stop();
    await database.drop();
  }
}
