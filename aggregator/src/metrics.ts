import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Prometheus metrics (prom-client), one registry per app so tests and instances stay apart.
 * deploy/prometheus/alerts.yml and deploy/grafana/dashboard.json query these names; a test
 * (aggregator/test/metrics-deploy.test.ts) fails when one of them is not exposed.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'aggregator_' });
  return {
    registry,
    reports: new Counter({
      name: 'aggregator_reports_total',
      help: 'submitReport calls by result (accepted, duplicate, rejected) and error code',
      labelNames: ['result', 'code'] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'aggregator_rate_limited_total',
      help: 'submitReport calls refused by the rate limiter, by scope (installation, ip; auth: failed authentications per address)',
      labelNames: ['scope'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'aggregator_request_duration_seconds',
      help: 'GraphQL operation duration by root field',
      labelNames: ['operation'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    ingest: new Histogram({
      name: 'aggregator_ingest_duration_seconds',
      help: 'submitReport duration (validation, rate limit, storage), whatever the result',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    summary: new Histogram({
      name: 'aggregator_summary_duration_seconds',
      help: 'statsSummary duration, including a snapshot recomputation when the stored one is too old',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    deletions: new Counter({
      name: 'aggregator_deletions_total',
      help: 'Installations deleted, by the mutation that deleted them (deleteInstallation or an admin one)',
      labelNames: ['operation'] as const,
      registers: [registry],
    }),
    bodies: new Counter({
      name: 'aggregator_request_bodies_total',
      help: 'POST bodies by Content-Encoding (identity, gzip, other) and result (accepted, too_large, invalid, refused)',
      labelNames: ['encoding', 'result'] as const,
      registers: [registry],
    }),
    anomalyActive: new Gauge({
      name: 'aggregator_anomaly_active',
      help: 'Anomalies open after the last check, by kind and severity (1 open, 0 not)',
      labelNames: ['kind', 'severity'] as const,
      registers: [registry],
    }),
    anomalyCheck: new Gauge({
      name: 'aggregator_anomaly_check_last_success_timestamp_seconds',
      help: 'When the anomaly check last completed (Unix seconds); 0 before the first',
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'aggregator_notifications_total',
      help: 'Operator notifications by channel (webhook, email), kind (alert, resolved, weekly_report) and result (sent, failed)',
      labelNames: ['channel', 'kind', 'result'] as const,
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
