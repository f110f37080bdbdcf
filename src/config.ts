import { z } from 'zod';

import { ConfigError, databaseUrl, flag, intIn, logLevel, parseEnv } from '../common/config.js';

export { ConfigError } from '../common/config.js';
import { parsePluginList } from './plugins/loader.js';
import { DEPLOYMENT_MODES, type DeploymentMode } from '../common/report/contract.js';

/** Every variable the local stats API reads; the README's configuration table mirrors this list. */
export const localConfigSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1').describe('a host name or address to listen on'),
  STATS_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    )
    .refine((hosts) => hosts.every((h) => /^[A-Za-z0-9.:[\]-]{1,255}$/.test(h)))
    .describe('comma-separated host names, such as stats.home.lan'),
  PORT: intIn(0, 65535, 4000),
  DATABASE_URL: databaseUrl('sqlite:./data/printernizer-stats.sqlite'),
  LOG_LEVEL: logLevel,
  APP_VERSION: z
    .string()
    .regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$/)
    .optional()
    .describe('a version such as 2.42.0'),
  DEPLOYMENT_MODE: z
    .preprocess((v) => (typeof v === 'string' && v !== '' ? v.toUpperCase().replace(/[- ]/g, '_') : undefined), z.enum(DEPLOYMENT_MODES).optional())
    .describe('one of home_assistant, docker, raspberry_pi, standalone'),
  TZ: z.string().optional().describe('an IANA time zone such as Europe/Berlin'),
  DO_NOT_TRACK: flag,
  PRINTERNIZER_STATS_DISABLED: flag,
  USAGE_STATS_SUBMISSION_INTERVAL_DAYS: intIn(1, 30, 7),
  USAGE_STATS_EVENT_RETENTION_DAYS: intIn(30, 3650, 365),
  USAGE_STATS_ENDPOINT: z
    .url({ protocol: /^https?$/ })
    .default('https://stats.printernizer.com/graphql')
    .describe('an http(s) URL'),
  SQLITE_BUSY_TIMEOUT_MS: intIn(0, 60000, 5000),
  PRINTERNIZER_PLUGINS: z.string().default('').describe('comma-separated npm package names or paths'),
  STRICT_PLUGINS: flag,
  PLUGIN_TIMEOUT_MS: intIn(50, 60000, 2000),
  USAGE_STATS_API_KEY: z.string().min(16).max(256).default('printernizer-public-client-key-v1').describe('a key of 16 to 256 characters'),
  USAGE_STATS_ALLOW_INSECURE: flag,
  USAGE_STATS_TIMEOUT: intIn(5, 60, 10),
  USAGE_STATS_RETRY_COUNT: intIn(0, 10, 3),
  USAGE_STATS_STARTUP_DELAY: intIn(0, 86400, 300),
  USAGE_STATS_CHECK_INTERVAL: intIn(60, 86400, 3600),
  SHUTDOWN_GRACE_MS: intIn(0, 600_000, 10_000),
});

export type LocalConfigEnv = z.infer<typeof localConfigSchema>;

export interface LocalConfig {
  host: string;
  /** Host names besides loopback and HOST that requests may address (a reverse proxy's name). */
  allowedHosts: string[];
  port: number;
  databaseUrl: string;
  logLevel: LocalConfigEnv['LOG_LEVEL'];
  appVersion?: string;
  deploymentMode?: DeploymentMode;
  timeZone?: string;
  /** The environment variable that switches statistics off whatever the consent, or null. */
  killSwitch: string | null;
  submissionIntervalDays: number;
  eventRetentionDays: number;
  endpoint: string;
  sqliteBusyTimeoutMs: number;
  /** Third-party plugins to load after the first-party ones. */
  plugins: string[];
  strictPlugins: boolean;
  pluginTimeoutMs: number;
  apiKey: string;
  /** Per attempt, in milliseconds. */
  submitTimeoutMs: number;
  retryCount: number;
  startupDelayMs: number;
  checkIntervalMs: number;
  /** How long requests in flight may take to finish after SIGTERM. */
  shutdownGraceMs: number;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Reports go over https; plain http only to this machine, or with USAGE_STATS_ALLOW_INSECURE=1. */
function checkEndpoint(endpoint: string, allowInsecure: boolean): void {
  const url = new URL(endpoint);
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname) && !allowInsecure) {
    throw new ConfigError(
      `Invalid environment variable USAGE_STATS_ENDPOINT=${JSON.stringify(endpoint)}; reports are only sent over https (plain http only to localhost), unless USAGE_STATS_ALLOW_INSECURE=1`,
    );
  }
}

export function loadLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const e = parseEnv(localConfigSchema, env);
  checkEndpoint(e.USAGE_STATS_ENDPOINT, e.USAGE_STATS_ALLOW_INSECURE);
  return {
    host: e.HOST,
    allowedHosts: e.STATS_ALLOWED_HOSTS,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    appVersion: e.APP_VERSION,
    deploymentMode: e.DEPLOYMENT_MODE,
    timeZone: e.TZ,
    killSwitch: e.DO_NOT_TRACK ? 'DO_NOT_TRACK=1' : e.PRINTERNIZER_STATS_DISABLED ? 'PRINTERNIZER_STATS_DISABLED=1' : null,
    submissionIntervalDays: e.USAGE_STATS_SUBMISSION_INTERVAL_DAYS,
    eventRetentionDays: e.USAGE_STATS_EVENT_RETENTION_DAYS,
    endpoint: e.USAGE_STATS_ENDPOINT,
    sqliteBusyTimeoutMs: e.SQLITE_BUSY_TIMEOUT_MS,
    plugins: parsePluginList(e.PRINTERNIZER_PLUGINS),
    strictPlugins: e.STRICT_PLUGINS,
    pluginTimeoutMs: e.PLUGIN_TIMEOUT_MS,
    apiKey: e.USAGE_STATS_API_KEY,
    submitTimeoutMs: e.USAGE_STATS_TIMEOUT * 1000,
    retryCount: e.USAGE_STATS_RETRY_COUNT,
    startupDelayMs: e.USAGE_STATS_STARTUP_DELAY * 1000,
    checkIntervalMs: e.USAGE_STATS_CHECK_INTERVAL * 1000,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}
