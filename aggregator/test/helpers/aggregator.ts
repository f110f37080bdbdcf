import { randomUUID } from 'node:crypto';

import { ManualClock } from '../../../common/clock.js';
import type { DatabaseKind } from '../../../common/db.js';
import type { Logger } from '../../../common/logger.js';
import type { UsageReport } from '../../../common/report/contract.js';
import { createTempDatabase, type TempDatabase } from '../../../test/helpers/temp-database.js';
import type { GraphQLErrorJson } from '../../../test/helpers/app.js';
import { createAggregatorApp, type AggregatorApp } from '../../src/app.js';
import { loadAggregatorConfig } from '../../src/config.js';

export const API_KEY = 'test-api-key-0123456789';
export const OLD_API_KEY = 'rotated-out-key-0123456789';
export const ADMIN_KEY = 'test-admin-key-0123456789';

export const SUBMIT = `mutation Submit($input: UsageReportInput!) { submitReport(input: $input) { reportId installationId duplicate receivedAt } }`;
export const DELETE = `mutation Delete($input: DeleteInstallationInput!) { deleteInstallation(input: $input) { installationId deletedReports } }`;
/** The variables of DELETE for one installation. */
export const deletionOf = (installationId: string) => ({ input: { installationId } });

/** What SUBMIT selects. */
export interface SubmitData {
  submitReport: { reportId: string; installationId: string; duplicate: boolean; receivedAt: string } | null;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** The peer address the request comes from. */
  address?: string;
}

/** Results are `unknown` until a test says what it expects: `gql<{ health: { status: string } }>(…)`. */
export interface Response<T = unknown> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: GraphQLErrorJson[];
}

export interface TestAggregator {
  app: AggregatorApp;
  clock: ManualClock;
  db: TempDatabase;
  gql<T = unknown>(query: string, variables?: Record<string, unknown>, o?: CallOptions): Promise<Response<T>>;
  /** submitReport with a valid API key and the installation's secret unless told otherwise. */
  submit(report: UsageReport, o?: CallOptions & { secret?: string }): Promise<Response<SubmitData>>;
  close(): Promise<void>;
}

export interface TestAggregatorOptions {
  db: DatabaseKind | TempDatabase;
  env?: Record<string, string>;
  now?: string;
  logger?: Logger;
}

/** The aggregator on a fresh (or given) database, driven in-process through yoga.fetch. */
export async function createTestAggregator(o: TestAggregatorOptions): Promise<TestAggregator> {
  const owned = typeof o.db === 'string';
  const db = typeof o.db === 'string' ? await createTempDatabase(o.db) : o.db;
  const clock = new ManualClock(o.now ?? '2026-11-28T12:00:00.000Z');
  const config = loadAggregatorConfig({
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    AGGREGATOR_API_KEYS: `${API_KEY},${OLD_API_KEY}`,
    AGGREGATOR_ADMIN_KEY: ADMIN_KEY,
    AGGREGATOR_RATE_LIMIT_PER_HOUR: '1000',
    AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '100000',
    ...o.env,
    AGGREGATOR_DATABASE_URL: db.url,
  });
  const app = await createAggregatorApp({ config, clock, logger: o.logger });
  const gql = async (query: string, variables?: Record<string, unknown>, c: CallOptions = {}) => {
    const res = await app.yoga.fetch(
      'http://aggregator.test/graphql',
      { method: 'POST', headers: { 'content-type': 'application/json', ...c.headers }, body: JSON.stringify({ query, variables }) },
      { req: { socket: { remoteAddress: c.address ?? '203.0.113.7' } } },
    );
    const text = await res.text();
    const body = (text ? JSON.parse(text) : {}) as { data?: never; errors?: GraphQLErrorJson[] };
    return { status: res.status, headers: res.headers, data: body.data, errors: body.errors };
  };
  return {
    app,
    clock,
    db,
    gql,
    submit: (report, c = {}) =>
      gql(
        SUBMIT,
        { input: report },
        { ...c, headers: { 'x-api-key': API_KEY, 'x-installation-secret': c.secret ?? secretFor(report.installation.installationId), ...c.headers } },
      ),
    async close() {
      await app.stop();
      if (owned) await db.drop();
    },
  };
}

/** A deterministic secret per installation, so tests need not carry it around. */
export function secretFor(installationId: string): string {
  return `secret-of-${installationId}`;
}

const DAY = 86_400_000;

/** A valid report: a week ending at the given UTC midnight (default 2026-11-28). */
export function makeReport(
  over: { installationId?: string; end?: string; days?: number } & Partial<Omit<UsageReport, 'installation' | 'period'>> & {
      installation?: Partial<UsageReport['installation']>;
    } = {},
): UsageReport {
  const days = over.days ?? 7;
  const end = new Date(over.end ?? '2026-11-28T00:00:00.000Z');
  const { installationId, end: _e, days: _d, installation, ...rest } = over;
  return {
    reportId: randomUUID(),
    schemaVersion: 1,
    installation: {
      installationId: installationId ?? randomUUID(),
      appVersion: '2.42.0',
      runtimeVersion: '20.20.2',
      platform: 'LINUX',
      deploymentMode: 'DOCKER',
      countryCode: 'DE',
      firstSeenOn: '2026-10-01',
      ...installation,
    },
    period: { start: new Date(end.getTime() - days * DAY).toISOString(), end: end.toISOString(), days },
    fleet: {
      printerCount: 2,
      printerTypes: [
        { type: 'bambu_lab', model: 'P1S', count: 1 },
        { type: 'prusa', model: 'MK4S', count: 1 },
      ],
      partial: false,
    },
    usage: { jobsCreated: 10, jobsCompleted: 8, jobsFailed: 1, jobsCancelled: 1, filesDownloaded: 3, filesUploaded: 4, appStarts: 2, uptimeHours: 100 },
    features: [{ feature: 'timelapse', enabled: true }],
    errors: [],
    ...rest,
  };
}
