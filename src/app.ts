import type { RequestListener } from 'node:http';

import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { MikroORM } from '@mikro-orm/core';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';

import { systemClock, type Clock } from '../common/clock.js';
import type { LocalConfig } from './config.js';
import { allowedHostNames, withHostCheck } from './host-check.js';
import type { Context } from './context.js';
import { openDatabase } from '../common/db.js';
import { entities } from './entities/index.js';
import { defaultTransport } from './jobs/aggregator-client.js';
import { createJob, type Job } from '../common/scheduler.js';
import { ReportOutbox, type DeliveryOptions } from './jobs/report-outbox.js';
import { applyRetention } from './jobs/retention.js';
import { createLogger, type Logger } from '../common/logger.js';
import { loggedMaskedErrors, renderGraphiQLOnDemand, yogaLogging } from '../common/server-kit.js';
import { localMigrations } from './migrations/index.js';
import { useErrorCodes } from '../common/error-codes-plugin.js';
import { useNoNulStrings } from '../common/no-nul.js';
import { useQueryLimits } from '../common/query-limits.js';
import { collectFleet, hostPrinters } from './plugins/fleet.js';
import { firstPartyPlugins } from './plugins/first-party.js';
import { PluginRegistry } from './plugins/registry.js';
import type { FleetProvider } from './report/builder.js';
import { schema } from './schema/index.js';
import { detectEnvironment, realHost, type HostProbe, type InstallationEnvironment } from './services/installation.js';
import { ensureSettings } from './services/settings.js';
import { HEARTBEAT_INTERVAL_MS, UptimeTracker } from './services/uptime.js';
import { streamExport } from './services/usage-data.js';

export interface CreateAppOptions {
  config: LocalConfig;
  /** An ORM already open (tests); otherwise one is opened from config.databaseUrl and migrated. */
  orm?: MikroORM;
  clock?: Clock;
  logger?: Logger;
  host?: HostProbe;
  /** How reports reach the aggregator; tests route them through a fault proxy with short waits. */
  delivery?: Partial<DeliveryOptions>;
}

export interface LocalApp {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  /** What the HTTP server serves: `yoga` behind the Host check (DNS rebinding), so every route is covered. */
  handler: RequestListener;
  orm: MikroORM;
  logger: Logger;
  outbox: ReportOutbox;
  uptime: UptimeTracker;
  /** Records APP_START and starts the heartbeat and retention jobs. Never throws. */
  start(): Promise<void>;
  /** Stops the jobs, records APP_SHUTDOWN and closes the database. Never throws. */
  stop(): Promise<void>;
}

const DEFAULT_QUERY = `# Printernizer usage statistics: everything here stays on this machine
# unless you opt in. Try:
query Overview {
  usageSettings { consent enabled blockedBy installationId nextSubmissionAt }
  usageStatistics { totalEvents lastSevenDays { jobsFinished filesDownloaded filesUploaded errorsOccurred } uptimeHours }
  reportPreview { period { start end days } usage { jobsCompleted jobsFailed uptimeHours } }
}
`;

/** Serves the streamed JSON download at GET /usage-data/export. */
function exportRoute(deps: { orm: MikroORM; clock: Clock; logger: Logger }): Plugin {
  return {
    onRequest(hook) {
      const { request, url, fetchAPI } = hook;
      if (url.pathname !== '/usage-data/export' || request.method !== 'GET') return;
      const day = deps.clock.now().toISOString().slice(0, 10);
      hook.endResponse(
        new fetchAPI.Response(streamExport(deps), {
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-disposition': `attachment; filename="printernizer-usage-data-${day}.json"`,
            'cache-control': 'no-store',
          },
        }),
      );
    },
  };
}

export async function createApp(o: CreateAppOptions): Promise<LocalApp> {
  const { config } = o;
  const clock = o.clock ?? systemClock;
  const logger = o.logger ?? createLogger(config.logLevel);
  const orm =
    o.orm ??
    (await openDatabase({
      url: config.databaseUrl,
      entities,
      migrations: localMigrations,
      sqliteBusyTimeoutMs: config.sqliteBusyTimeoutMs,
      logger: (message) => logger.debug({ component: 'orm' }, message),
    }));
  await ensureSettings(orm.em.fork(), clock.now());
  let plugins: PluginRegistry;
  try {
    plugins = await PluginRegistry.load([...firstPartyPlugins, ...config.plugins.map((spec) => ({ spec }))], {
      logger,
      timeoutMs: config.pluginTimeoutMs,
      strict: config.strictPlugins,
    });
  } catch (err) {
    if (!o.orm) await orm.close();
    throw err;
  }
  const fleet: FleetProvider = async (em) => collectFleet(plugins, await hostPrinters(em), logger);

  const environment: InstallationEnvironment = detectEnvironment(config, o.host ?? realHost);
  const outbox = new ReportOutbox({
    orm,
    clock,
    logger,
    config,
    environment,
    fleet,
    delivery: {
      transport: o.delivery?.transport ?? defaultTransport(),
      minBackoffMs: o.delivery?.minBackoffMs ?? 2000,
      maxWaitMs: o.delivery?.maxWaitMs ?? 5 * 60_000,
      shutdownGraceMs: o.delivery?.shutdownGraceMs ?? 5000,
      timeoutMs: o.delivery?.timeoutMs,
    },
  });

  const yoga = createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    cors: false,
    graphiql: { title: 'Printernizer usage statistics', defaultQuery: DEFAULT_QUERY },
    // Served from this package, not a CDN: installations are often offline.
    renderGraphiQL: renderGraphiQLOnDemand,
    logging: yogaLogging(logger),
    maskedErrors: loggedMaskedErrors(logger),
    context: (): Context => ({ em: orm.em.fork(), clock, logger, config, plugins, outbox, environment, fleet }),
    plugins: [
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      useErrorCodes(),
      useNoNulStrings(),
      useQueryLimits({ maxDepth: 12, maxAliases: 20, maxCost: 20000, maxTokens: 5000, maxDirectives: 20 }),
      exportRoute({ orm, clock, logger }),
    ],
  });

  const uptime = new UptimeTracker(orm, clock);
  const jobs: Job[] = [
    createJob({ name: 'submission', initialDelayMs: config.startupDelayMs, intervalMs: config.checkIntervalMs, logger, run: () => outbox.runScheduled() }),
    createJob({ name: 'heartbeat', initialDelayMs: HEARTBEAT_INTERVAL_MS, intervalMs: HEARTBEAT_INTERVAL_MS, logger, run: () => uptime.beat() }),
    createJob({
      name: 'retention',
      initialDelayMs: 60_000,
      intervalMs: 86_400_000,
      logger,
      run: async () => {
        const removed = await applyRetention(orm.em.fork(), clock.now(), config.eventRetentionDays);
        if (removed.events || removed.sessions) logger.info(removed, 'retention removed old usage data');
      },
    }),
  ];

  return {
    yoga,
    handler: withHostCheck(allowedHostNames(config.host, config.allowedHosts), (req, res) => void yoga(req, res)),
    orm,
    logger,
    outbox,
    uptime,
    async start() {
      try {
        await uptime.start();
      } catch (err) {
        logger.error({ err }, 'could not record APP_START; statistics go on without it');
      }
      for (const job of jobs) job.start();
    },
    async stop() {
      await outbox.stop();
      await Promise.all(jobs.map((j) => j.stop()));
      await plugins.teardown();
      try {
        await uptime.stop();
      } catch (err) {
        logger.error({ err }, 'could not record APP_SHUTDOWN');
      }
      await orm.close().catch((err: unknown) => logger.error({ err }, 'closing the database failed'));
    },
  };
}
