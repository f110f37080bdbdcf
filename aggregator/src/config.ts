import { z } from 'zod';

import { databaseUrl, flag, intIn, logLevel, parseEnv } from '../../common/config.js';
const keyList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  )
  .refine((keys) => keys.every((k) => k.length >= 16 && k.length <= 256))
  .describe('comma-separated keys of 16 to 256 characters');

/** Every variable the aggregator reads; the README's table mirrors this list. */
export const aggregatorConfigSchema = z.object({
  AGGREGATOR_HOST: z.string().min(1).default('127.0.0.1').describe('a host name or address to listen on'),
  AGGREGATOR_PORT: intIn(0, 65535, 8080),
  AGGREGATOR_DATABASE_URL: databaseUrl('sqlite:./data/aggregator.sqlite'),
  AGGREGATOR_API_KEYS: keyList,
  AGGREGATOR_ADMIN_KEY: z.string().min(16).max(256).optional().describe('a key of 16 to 256 characters'),
  AGGREGATOR_RATE_LIMIT_PER_HOUR: intIn(1, 100_000, 10),
  AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: intIn(1, 1_000_000, 100),
  AGGREGATOR_AUTH_FAILURES_PER_IP_PER_HOUR: intIn(1, 100_000, 20),
  AGGREGATOR_DATABASE_TIMEOUT_MS: intIn(100, 600_000, 10_000),
  AGGREGATOR_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/)
    .optional()
    .describe('redis://host:port'),
  AGGREGATOR_K_ANONYMITY: intIn(1, 1000, 5),
  AGGREGATOR_SUMMARY_MAX_AGE_SECONDS: intIn(0, 86_400, 60),
  AGGREGATOR_RETENTION_DAYS: intIn(1, 3650, 730),
  AGGREGATOR_MAX_BODY_BYTES: intIn(1024, 10_485_760, 65_536),
  AGGREGATOR_TRUST_PROXY: flag,
  LOG_LEVEL: logLevel,
  SHUTDOWN_GRACE_MS: intIn(0, 600_000, 10_000),
});

export interface AggregatorConfig {
  host: string;
  port: number;
  databaseUrl: string;
  /** PostgreSQL: connect, pool wait and statement time limit; past it SERVICE_UNAVAILABLE. */
  databaseTimeoutMs: number;
  apiKeys: string[];
  adminKey: string | null;
  ratePerInstallation: number;
  ratePerIp: number;
  /** Failed authentications (wrong API key, admin key or secret) per client address per hour. */
  authFailuresPerIp: number;
  redisUrl: string | null;
  kAnonymity: number;
  /** How old a served statsSummary snapshot may be; 0 computes it for every request. */
  summaryMaxAgeSeconds: number;
  retentionDays: number;
  maxBodyBytes: number;
  trustProxy: boolean;
  logLevel: string;
  /** How long requests in flight may take to finish after SIGTERM. */
  shutdownGraceMs: number;
}

export function loadAggregatorConfig(env: NodeJS.ProcessEnv = process.env): AggregatorConfig {
  const e = parseEnv(aggregatorConfigSchema, env);
  return {
    host: e.AGGREGATOR_HOST,
    port: e.AGGREGATOR_PORT,
    databaseUrl: e.AGGREGATOR_DATABASE_URL,
    databaseTimeoutMs: e.AGGREGATOR_DATABASE_TIMEOUT_MS,
    apiKeys: e.AGGREGATOR_API_KEYS,
    adminKey: e.AGGREGATOR_ADMIN_KEY ?? null,
    ratePerInstallation: e.AGGREGATOR_RATE_LIMIT_PER_HOUR,
    ratePerIp: e.AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR,
    authFailuresPerIp: e.AGGREGATOR_AUTH_FAILURES_PER_IP_PER_HOUR,
    redisUrl: e.AGGREGATOR_REDIS_URL ?? null,
    kAnonymity: e.AGGREGATOR_K_ANONYMITY,
    summaryMaxAgeSeconds: e.AGGREGATOR_SUMMARY_MAX_AGE_SECONDS,
    retentionDays: e.AGGREGATOR_RETENTION_DAYS,
    maxBodyBytes: e.AGGREGATOR_MAX_BODY_BYTES,
    trustProxy: e.AGGREGATOR_TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}
