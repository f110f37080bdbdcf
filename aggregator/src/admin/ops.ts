import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';

import type { GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';

import { createJob } from '../../../common/scheduler.js';
import { DashboardStore } from '../dashboard.js';
import type { AggregatorServices } from '../services.js';
import { anomalyStatuses } from './anomaly-state.js';
import { OpsRecorder } from './recorder.js';

export interface Ops {
  recorder: OpsRecorder;
  dashboard: DashboardStore;
  plugins: Plugin[];
  start(): void;
  stop(): Promise<void>;
}

const registry = new WeakMap<AggregatorServices, Ops>();
const DASHBOARD_REFRESH_MS = 10 * 60_000;
const DASHBOARD_MAX_AGE_MS = 60 * 60_000;

/** The dashboard and admin pieces of one aggregator, for the resolvers in schema/dashboard.ts and schema/admin.ts. */
export function opsOf(services: AggregatorServices): Ops {
  const ops = registry.get(services);
  if (!ops) throw new Error('createOps was not called for these services');
  return ops;
}

// dist/aggregator/src/admin → dist; aggregator/src/admin (tsx) → the repository, whose build is in dist/.
const up = resolve(import.meta.dirname, '..', '..', '..');
export const PAGE_DIR = join(basename(up) === 'dist' ? up : join(up, 'dist'), 'pages', 'dashboard');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
// The page loads nothing but its own files and talks only to /graphql: no inline script, no CDN.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** GET / serves the built dashboard page, GET /dashboard/<file> its assets; files are read once, at start. */
function pageRoutes(): Plugin {
  const files = new Map<string, { body: Buffer; type: string }>();
  if (existsSync(PAGE_DIR))
    for (const name of readdirSync(PAGE_DIR))
      files.set(`/dashboard/${name}`, { body: readFileSync(join(PAGE_DIR, name)), type: TYPES[extname(name)] ?? 'application/octet-stream' });
  const index = files.get('/dashboard/index.html');
  if (index) files.set('/', index);
  return {
    onRequest(hook) {
      const { url, request } = hook;
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const file = files.get(url.pathname);
      if (!file) return;
      const headers = { 'content-type': file.type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'content-security-policy': CSP };
      hook.endResponse(new Response(request.method === 'HEAD' ? null : new Uint8Array(file.body), { headers }));
    },
  };
}

export function createOps(services: AggregatorServices, schema: GraphQLSchema): Ops {
  const { config, clock, logger, orm, kind } = services;
  const recorder = new OpsRecorder({ orm, clock, logger, adminKey: config.adminKey });
  // Weekly trends need no minute-fresh figures, and a refresh reads the running week's reports
  // (seconds at 100,000 installations): the job refreshes every 10 minutes at most, and a request
  // recomputes only a missing row, one from before a deletion, or one the job left over an hour old.
  const refreshMs = Math.max(DASHBOARD_REFRESH_MS, config.summaryMaxAgeSeconds * 1000);
  const dashboard = new DashboardStore({ orm, kind, clock, maxAgeMs: Math.max(DASHBOARD_MAX_AGE_MS, refreshMs * 2) });
  // Keeps the dashboard row fresh ahead of requests and the anomaly states' "since" current.
  const job = createJob({
    name: 'dashboard-snapshot',
    initialDelayMs: 1500,
    intervalMs: Math.max(5000, config.summaryMaxAgeSeconds * 500),
    logger,
    run: async () => {
      await dashboard.refreshIfOlderThan(refreshMs);
      await anomalyStatuses(orm.em.fork(), kind, clock.now());
      await recorder.flush();
    },
  });
  const ops: Ops = {
    recorder,
    dashboard,
    plugins: [pageRoutes(), recorder.plugin(schema)],
    start: () => job.start(),
    async stop() {
      await job.stop();
      await recorder.flush();
    },
  };
  registry.set(services, ops);
  return ops;
}
