import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { API_KEY, createTestAggregator, DELETE, deletionOf, makeReport, secretFor, SUBMIT, type TestAggregator } from './helpers/aggregator.js';
import { receiverEnv, SmtpReceiver, WebhookReceiver } from './helpers/operator-receivers.js';

const root = join(import.meta.dirname, '..', '..');
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset']);
/** Prometheus makes `up` itself for every scrape target; the aggregator cannot expose it. */
const PROMETHEUS_OWN = new Set(['up']);

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels, strings or numbers. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, ' ');
  const names: string[] = [];
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const isCall = /^\s*\(/.test(stripped.slice(m.index + m[0].length));
    if (!isCall && !KEYWORDS.has(m[0])) names.push(m[0]);
  }
  return names;
}

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

const dashboard = JSON.parse(readFileSync(join(root, 'deploy/grafana/dashboard.json'), 'utf8')) as Dashboard;
// One `expr:` per line in the rules file (its header says so), so no YAML parser is needed here.
const alertExprs = [...readFileSync(join(root, 'deploy/prometheus/alerts.yml'), 'utf8').matchAll(/^\s*expr:\s*(.+)$/gm)].map((m) => m[1]);

/** Sample names of a real /metrics scrape (histograms expose _bucket, _sum and _count). */
async function scrape(t: TestAggregator): Promise<Set<string>> {
  const text = await (await t.app.yoga.fetch('http://aggregator.test/metrics')).text();
  return new Set(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]),
  );
}

/** Some of every kind of traffic the metrics count. */
async function traffic(t: TestAggregator) {
  const report = makeReport();
  const secret = secretFor(report.installation.installationId);
  await t.submit(report);
  await t.submit(report); // duplicate
  await t.submit(makeReport({ installationId: report.installation.installationId, end: '2026-11-21T00:00:00.000Z' })); // over the hourly limit of 1
  await t.gql(SUBMIT, { input: { ...makeReport(), schemaVersion: 99 } }, { headers: { 'x-api-key': API_KEY } }); // refused input
  await t.gql(`{ statsSummary { reportsAccepted } }`);
  const gz = makeReport();
  await t.app.yoga.fetch(
    'http://aggregator.test/graphql',
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'x-api-key': API_KEY,
        'x-installation-secret': secretFor(gz.installation.installationId),
      },
      body: new Uint8Array(gzipSync(JSON.stringify({ query: SUBMIT, variables: { input: gz } }))),
    },
    { req: { socket: { remoteAddress: '203.0.113.50' } } },
  );
  const deleted = await t.gql(DELETE, deletionOf(report.installation.installationId), { headers: { 'x-api-key': API_KEY, 'x-installation-secret': secret } });
  assert.not.ok(deleted.errors, JSON.stringify(deleted.errors));
  t.clock.set('2026-11-30T06:00:00.000Z');
  await t.app.operator.runNow(); // anomaly gauges, the check's timestamp, the weekly report's notifications
}

const test = suite<{ t: TestAggregator; hook: WebhookReceiver; smtp: SmtpReceiver }>('deploy/: dashboards and alerts query real metrics');
test.before(async (ctx) => {
  ctx.hook = await new WebhookReceiver().start();
  ctx.smtp = await new SmtpReceiver().start();
  ctx.t = await createTestAggregator({ db: 'sqlite', env: receiverEnv(ctx.hook, ctx.smtp, { AGGREGATOR_RATE_LIMIT_PER_HOUR: '1' }) });
  await traffic(ctx.t);
});
test.after(async ({ t, hook, smtp }) => {
  await t.close();
  await hook.stop();
  await smtp.stop();
});

test('the expression parser finds metric names and nothing else', () => {
  assert.equal(metricNames('histogram_quantile(0.99, sum by (le) (rate(a_bucket{x="y",z=~"p|q"}[5m]))) > 1e-9'), ['a_bucket']);
  assert.equal(metricNames('time() - max(b_seconds) > 3 * 3600'), ['b_seconds']);
  assert.equal(metricNames('sum(rate(c_total[1h])) / clamp_min(sum(rate(d_total{e="1"}[$__rate_interval])), 1e-9)'), ['c_total', 'd_total']);
});

test('every Grafana panel queries only metrics a real /metrics scrape exposes', async ({ t }) => {
  const exposed = await scrape(t);
  assert.ok(dashboard.panels.length >= 10);
  for (const panel of dashboard.panels) {
    assert.ok(panel.targets.length > 0, `${panel.title} has a query`);
    for (const { expr } of panel.targets) {
      const names = metricNames(expr);
      assert.ok(names.length > 0, `${panel.title}: ${expr} reads a metric`);
      for (const name of names) assert.ok(exposed.has(name), `${panel.title}: ${name} is not exposed by /metrics`);
    }
  }
});

test('every alerting rule reads only metrics /metrics exposes (or Prometheus own `up`)', async ({ t }) => {
  const exposed = await scrape(t);
  assert.ok(alertExprs.length >= 8);
  for (const expr of alertExprs) {
    const names = metricNames(expr);
    assert.ok(names.length > 0, expr);
    for (const name of names) assert.ok(exposed.has(name) || PROMETHEUS_OWN.has(name), `${expr}: ${name} is not exposed by /metrics`);
  }
});

test('the traffic was counted under the labels the dashboard filters on', async ({ t }) => {
  const text = await (await t.app.yoga.fetch('http://aggregator.test/metrics')).text();
  for (const sample of [
    'aggregator_reports_total{result="accepted",code=""} 2',
    'aggregator_reports_total{result="duplicate",code=""} 1',
    'aggregator_reports_total{result="rejected",code="RATE_LIMITED"} 1',
    'aggregator_rate_limited_total{scope="installation"} 1',
    'aggregator_deletions_total{operation="deleteInstallation"} 1',
    'aggregator_request_bodies_total{encoding="gzip",result="accepted"} 1',
    'aggregator_ingest_duration_seconds_count 5',
    'aggregator_summary_duration_seconds_count 1',
    'aggregator_notifications_total{channel="email",kind="weekly_report",result="sent"} 1',
  ])
    assert.ok(
      text.includes(sample),
      `${sample} in\n${text
        .split('\n')
        .filter((l) => l.startsWith(sample.split(/[{ ]/)[0]))
        .join('\n')}`,
    );
});

test.run();
