import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics (prom-client), one registry per app so tests and instances stay apart. */
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
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
