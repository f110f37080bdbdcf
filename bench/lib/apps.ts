import { randomUUID } from 'node:crypto';

import { ManualClock } from '../../common/clock.js';
import type { DatabaseKind } from '../../common/db.js';
import type { UsageReport } from '../../common/report/contract.js';
import { createAggregatorApp } from '../../aggregator/src/app.js';
import { loadAggregatorConfig } from '../../aggregator/src/config.js';
import { createApp, type LocalApp } from '../../src/app.js';
import { loadLocalConfig } from '../../src/config.js';
import { throwawayDatabase } from './databases.js';

/**
 * The two services as the bench drives them: built by their own app factories on a throwaway
 * database, called in-process through yoga.fetch, with time standing still at a fixed instant so
 * that the bench's report periods and events always fall where it means them to.
 */
export const BENCH_NOW = '2026-11-28T12:00:00.000Z';
export const API_KEY = 'bench-api-key-0123456789';
const SUBMIT = `mutation Submit($input: UsageReportInput!) { submitReport(input: $input) { reportId duplicate } }`;

export interface GraphQLAnswer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string }[];
}

type Fetch = (request: Request) => Response | Promise<Response>;

function graphql(fetch: Fetch, headers: Record<string, string> = {}) {
  return async (query: string, variables?: Record<string, unknown>, extra: Record<string, string> = {}): Promise<GraphQLAnswer> => {
    const res = await fetch(
      new Request('http://bench/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers, ...extra },
        body: JSON.stringify({ query, variables }),
      }),
    );
    return { status: res.status, ...((await res.json()) as Omit<GraphQLAnswer, 'status'>) };
  };
}

/** Fails the bench on any GraphQL error: a figure measured over refusals would mean nothing. */
function strict(gql: ReturnType<typeof graphql>) {
  return async (query: string, variables?: Record<string, unknown>, extra?: Record<string, string>) => {
    const answer = await gql(query, variables, extra);
    if (answer.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
    return answer.data ?? {};
  };
}

export interface BenchAggregator {
  ok: ReturnType<typeof strict>;
  submit(report: UsageReport): Promise<void>;
  close(): Promise<void>;
}

/** The aggregator's configuration with the highest rate limits it allows: the bench measures work, not refusals. */
export function benchAggregatorConfig(databaseUrl: string) {
  return loadAggregatorConfig({
    LOG_LEVEL: 'silent',
    AGGREGATOR_API_KEYS: API_KEY,
    AGGREGATOR_RATE_LIMIT_PER_HOUR: '100000',
    AGGREGATOR_RATE_LIMIT_PER_IP_PER_HOUR: '1000000',
    AGGREGATOR_DATABASE_URL: databaseUrl,
  });
}

/** The aggregator in-process on a throwaway database, with benchAggregatorConfig. */
export async function startAggregator(kind: DatabaseKind): Promise<BenchAggregator> {
  const db = await throwawayDatabase(kind);
  const config = benchAggregatorConfig(db.url);
  const app = await createAggregatorApp({ config, clock: new ManualClock(BENCH_NOW) });
  const fetch: Fetch = (request) => app.yoga.fetch(request, { req: { socket: { remoteAddress: '127.0.0.1' } } });
  const ok = strict(graphql(fetch, { 'x-api-key': API_KEY }));
  return {
    ok,
    async submit(report) {
      await ok(SUBMIT, { input: report }, { 'x-installation-secret': `bench-secret-${report.installation.installationId}` });
    },
    async close() {
      await app.stop();
      await db.drop();
    },
  };
}

export interface BenchLocalApp {
  ok: ReturnType<typeof strict>;
  /** The app itself and its database's URL, for a bench that also reads the database directly. */
  app: LocalApp;
  url: string;
  close(): Promise<void>;
}

export async function startLocalApp(kind: DatabaseKind): Promise<BenchLocalApp> {
  const db = await throwawayDatabase(kind);
  const config = loadLocalConfig({ TZ: 'Europe/Berlin', LOG_LEVEL: 'silent', DATABASE_URL: db.url });
  const app = await createApp({ config, clock: new ManualClock(BENCH_NOW) });
  return {
    ok: strict(graphql((request) => app.yoga.fetch(request))),
    app,
    url: db.url,
    async close() {
      await app.stop();
      await db.drop();
    },
  };
}

const DAY_MS = 86_400_000;

/** A valid report of one installation for the period of `days` ending at the UTC midnight `end`. */
export function sampleReport(o: { installationId?: string; end: string; days: number }): UsageReport {
  const end = new Date(o.end);
  return {
    reportId: randomUUID(),
    schemaVersion: 1,
    installation: {
      installationId: o.installationId ?? randomUUID(),
      appVersion: '2.42.0',
      runtimeVersion: '20.20.2',
      platform: 'LINUX',
      deploymentMode: 'DOCKER',
      countryCode: 'DE',
      firstSeenOn: '2026-10-01',
    },
    period: { start: new Date(end.getTime() - o.days * DAY_MS).toISOString(), end: end.toISOString(), days: o.days },
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
  };
}
