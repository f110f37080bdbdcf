import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { MikroORM } from '@mikro-orm/core';
import { Kind, type DocumentNode, type GraphQLError, type OperationDefinitionNode } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { Redis } from 'ioredis';

import { systemClock, type Clock } from '../../common/clock.js';
import { databaseKind, openDatabase } from '../../common/db.js';
import { databaseWhere, DatabaseUnreachableError, isDatabaseUnavailable } from '../../common/db-errors.js';
import { useErrorCodes } from '../../common/error-codes-plugin.js';
import { errorResponse, isErrorCode, type ErrorCode } from '../../common/errors.js';
import { useNoNulStrings } from '../../common/no-nul.js';
import { useQueryLimits } from '../../common/query-limits.js';
import { createJob } from '../../common/scheduler.js';
import { createLogger, type Logger } from '../../common/logger.js';
import { loggedMaskedErrors, renderGraphiQLOnDemand, yogaLogging } from '../../common/server-kit.js';
import { clientAddress } from './auth.js';
import type { AggregatorConfig } from './config.js';
import type { AggregatorContext } from './context.js';
import { entities } from './entities/index.js';
import { checkHealth } from './health.js';
import { expireReports } from './jobs/retention.js';
import { createMetrics, type Metrics } from './metrics.js';
import { aggregatorMigrations } from './migrations/index.js';
import { RateLimiter } from './rate-limit.js';
import { schema } from './schema/index.js';
import type { AggregatorServices } from './services.js';
import { SummaryStore } from './summary-store.js';

export interface CreateAggregatorOptions {
  config: AggregatorConfig;
  clock?: Clock;
  logger?: Logger;
}

export interface AggregatorApp {
  yoga: YogaServerInstance<{ req?: { socket?: { remoteAddress?: string } } }, AggregatorContext>;
  services: AggregatorServices;
  start(): void;
  stop(): Promise<void>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/**
 * Refuses bodies over the limit with 413 before anything is parsed: by Content-Length when given,
 * otherwise (chunked) by counting a copy of the stream and stopping at the limit.
 */
function bodyLimit(maxBytes: number): Plugin {
  const tooLarge = () => errorResponse('PAYLOAD_TOO_LARGE', `The body is larger than ${maxBytes} bytes.`);
  return {
    async onRequest(hook) {
      const { request } = hook;
      const endResponse = (response: Response) => hook.endResponse(response);
      if (request.method !== 'POST') return;
      const length = request.headers.get('content-length');
      if (length !== null) {
        if (!/^\d+$/.test(length) || Number(length) > maxBytes) endResponse(tooLarge());
        return;
      }
      const reader = request.clone().body?.getReader();
      if (!reader) return;
      let seen = 0;
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        seen += chunk.value.byteLength;
        if (seen > maxBytes) {
          await reader.cancel();
          endResponse(tooLarge());
          return;
        }
      }
    },
  };
}

/** GET /ready (database and Redis really answer) and GET /metrics (Prometheus text). */
function routes(services: AggregatorServices): Plugin {
  return {
    async onRequest(hook) {
      const { url, request } = hook;
      const endResponse = (response: Response) => hook.endResponse(response);
      if (request.method !== 'GET') return;
      if (url.pathname === '/ready') {
        const health = await checkHealth(services);
        endResponse(json(health.status === 'ok' ? 200 : 503, health));
      } else if (url.pathname === '/metrics') {
        endResponse(new Response(await services.metrics.registry.metrics(), { headers: { 'content-type': services.metrics.registry.contentType } }));
      }
    },
  };
}

/** An error here has not been masked yet: one without a catalog code is an unexpected failure. */
const codeLabel = (code: unknown): ErrorCode => (isErrorCode(code) ? code : 'INTERNAL_SERVER_ERROR');

/** Request duration per root field, and submitReport outcomes by result and error code. */
function measure(metrics: Metrics): Plugin {
  return {
    onExecute({ args }) {
      const operation = (args.document as DocumentNode).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      const first = operation?.selectionSet.selections[0];
      const field = first?.kind === Kind.FIELD ? first.name.value : 'unknown';
      const stop = metrics.duration.startTimer({ operation: field });
      return {
        onExecuteDone({ result }) {
          stop();
          if (field !== 'submitReport' || !('data' in result || 'errors' in result)) return;
          const r = result as { data?: { submitReport?: { duplicate?: boolean } } | null; errors?: readonly GraphQLError[] };
          if (r.errors?.length) metrics.reports.inc({ result: 'rejected', code: codeLabel(r.errors[0].extensions?.code) });
          else metrics.reports.inc({ result: r.data?.submitReport?.duplicate ? 'duplicate' : 'accepted', code: '' });
        },
      };
    },
  };
}

export async function createAggregatorApp(o: CreateAggregatorOptions): Promise<AggregatorApp> {
  const { config } = o;
  const clock = o.clock ?? systemClock;
  const logger = o.logger ?? createLogger(config.logLevel, 'printernizer-stats-aggregator');
  if (config.apiKeys.length === 0) logger.warn('AGGREGATOR_API_KEYS is empty: every submitReport is refused with UNAUTHENTICATED');
  const orm: MikroORM = await openDatabase({
    url: config.databaseUrl,
    entities,
    migrations: aggregatorMigrations,
    timeoutMs: config.databaseTimeoutMs,
    logger: (message) => logger.debug({ component: 'orm' }, message),
  }).catch((err: unknown) => {
    // One line for the operator (server.ts prints it and exits), without credentials or a stack.
    if (!isDatabaseUnavailable(err)) throw err;
    const reason = (err as { code?: string }).code ?? 'no answer';
    throw new DatabaseUnreachableError(
      `Cannot reach the database at ${databaseWhere(config.databaseUrl)} (${reason}); check AGGREGATOR_DATABASE_URL and that PostgreSQL is up.`,
    );
  });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false }) : null;
  redis?.on('error', (err) => logger.warn({ err: err.message }, 'redis connection problem'));
  const metrics = createMetrics();
  const kind = databaseKind(orm);
  const summary = new SummaryStore({ orm, kind, clock, maxAgeMs: config.summaryMaxAgeSeconds * 1000 });
  const services: AggregatorServices = { config, clock, logger, orm, kind, redis, limiter: new RateLimiter({ redis, clock }), metrics, summary };

  const yoga = createYoga<{ req?: { socket?: { remoteAddress?: string } } }, AggregatorContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: { title: 'Printernizer statistics aggregator' },
    renderGraphiQL: renderGraphiQLOnDemand,
    cors: { origin: '*', credentials: false, methods: ['GET', 'POST'] },
    logging: yogaLogging(logger),
    maskedErrors: loggedMaskedErrors(logger),
    context: ({ request, req }) => ({
      em: orm.em.fork(),
      services,
      headers: request.headers,
      address: clientAddress(request.headers, req?.socket?.remoteAddress, config.trustProxy),
    }),
    plugins: [
      bodyLimit(config.maxBodyBytes),
      routes(services),
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
      useErrorCodes({ redactValues: true, logger }),
      useNoNulStrings(),
      useQueryLimits({ maxDepth: 10, maxAliases: 10, maxCost: 10000, maxTokens: 3000, maxDirectives: 50 }),
      measure(metrics),
    ],
  });

  const retention = createJob({
    name: 'report-retention',
    initialDelayMs: 60_000,
    intervalMs: 86_400_000,
    logger,
    run: async () => {
      const removed = await expireReports(orm.em.fork(), clock.now(), config.retentionDays);
      if (removed) logger.info({ removed }, 'expired old reports');
    },
  });

  // Refreshes the summary snapshot at half its maximum age, so requests rarely find it too old
  // and wait for it; an instance that finds a younger one (another instance's) leaves it.
  const maxAgeMs = config.summaryMaxAgeSeconds * 1000;
  const summaryJob = createJob({
    name: 'summary-snapshot',
    initialDelayMs: 1000,
    intervalMs: Math.max(1000, maxAgeMs / 2),
    logger,
    run: () => summary.refreshIfOlderThan(maxAgeMs / 2),
  });

  return {
    yoga,
    services,
    start: () => {
      retention.start();
      if (maxAgeMs > 0) summaryJob.start();
    },
    async stop() {
      await summaryJob.stop();
      await retention.stop();
      redis?.disconnect();
      await orm.close().catch((err: unknown) => logger.error({ err }, 'closing the database failed'));
    },
  };
}
