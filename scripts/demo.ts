/**
 * `npm run demo`: both services on SQLite in a temporary folder, a sample installation seeded through
 * the local API, opted in, and its first report delivered to the aggregator by the real submission
 * job. Ctrl-C (or SIGTERM) stops both servers and removes the folder.
 *
 * Options: `--port <n>` and `--aggregator-port <n>` (default 4000 and 8080; 0 picks free ports),
 * `--days <n>` of history (default 28), `--once` to stop and clean up as soon as it is ready.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { StatsDashboardDocument } from '../clients/aggregator/__generated__/graphql.js';
import { SubmissionsLedgerDocument } from '../clients/local/__generated__/graphql.js';
import { requestData } from '../clients/request.js';
import { seed } from './demo/seed.js';
import { root, startService, type Service } from './demo/services.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4000' },
    'aggregator-port': { type: 'string', default: '8080' },
    days: { type: 'string', default: '28' },
    once: { type: 'boolean', default: false },
  },
});

if (!existsSync(join(root, 'dist/src/server.js')) || !existsSync(join(root, 'dist/aggregator/src/server.js'))) {
  console.error('The servers are not built: run `npm run build` (npm ci does it) first.');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'printernizer-stats-demo-'));
const services: Service[] = [];
let stopping: Promise<void> | null = null;

/** Stops the servers (each finishes its requests and closes its database), then removes the folder. */
function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    await Promise.all(services.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
    console.log(`Stopped both servers and removed ${dir}.`);
    process.exit(code);
  })();
  return stopping;
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function waitUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(250);
  }
}

async function main(): Promise<void> {
  console.log(`Demo folder: ${dir}`);
  const aggregator = startService('aggregator', {
    AGGREGATOR_PORT: String(values['aggregator-port']),
    AGGREGATOR_DATABASE_URL: `sqlite:${join(dir, 'aggregator.sqlite')}`,
    // One installation: with the default of 5 every distribution would fold into "other".
    AGGREGATOR_K_ANONYMITY: '1',
    AGGREGATOR_SUMMARY_MAX_AGE_SECONDS: '0',
  });
  services.push(aggregator);
  const aggregatorUrl = await aggregator.url;
  // No keys anywhere: both services default to the public client key.
  const localEnv = {
    PORT: String(values.port),
    DATABASE_URL: `sqlite:${join(dir, 'printernizer-stats.sqlite')}`,
    USAGE_STATS_ENDPOINT: `${aggregatorUrl}/graphql`,
  };

  // First run: seed and opt in, with the submission job far away.
  let local = startService('local', { ...localEnv, USAGE_STATS_STARTUP_DELAY: '86400' });
  services.push(local);
  const seeded = await seed(await local.url, new Date(), Number(values.days));
  console.log(`Seeded ${seeded.printers} printers and ${seeded.events} events over ${values.days} days, and opted in.`);
  await local.stop();
  services.splice(services.indexOf(local), 1);

  // Second run: the job's first check comes at once (the default waits 5 minutes, then checks hourly).
  local = startService('local', { ...localEnv, USAGE_STATS_STARTUP_DELAY: '0', USAGE_STATS_CHECK_INTERVAL: '60' });
  services.push(local);
  const localUrl = await local.url;
  const sent = await waitUntil('the submission job to deliver the first report', 60_000, async () => {
    const d = await requestData(`${localUrl}/graphql`, SubmissionsLedgerDocument, { first: 10 });
    const edges = d.submissions?.edges ?? [];
    const failed = edges.find((e) => e.node.status === 'REJECTED');
    if (failed) throw new Error(`the aggregator refused the report: ${failed.node.lastError}`);
    return edges.some((e) => e.node.status === 'SENT') ? edges.filter((e) => e.node.status === 'SENT').length : null;
  });
  const summary = await requestData(`${aggregatorUrl}/graphql`, StatsDashboardDocument, { activeDays: 30, weeks: 4 });

  console.log(`
The submission job delivered ${sent} report(s); the aggregator has accepted ${summary.statsSummary.reportsAccepted}.

  Privacy panel (local API)   ${localUrl}/
  GraphiQL (local API)        ${localUrl}/graphql
  Aggregator (GraphiQL)       ${aggregatorUrl}/graphql

What to look at:
  - The panel: consent, the ledger with the SENT report and its exact payload, the printers and
    ${values.days} days of charts. Only the last full week went out: the history recorded before the
    opt-in stays on this machine.
  - The command line: npx printernizer-stats status --url ${localUrl}
                      npx printernizer-stats preview --url ${localUrl}
  - The aggregator's view: in its GraphiQL run
      { statsSummary { reportsAccepted printersByModel { key count } weekly(weeks: 4) { weekStart jobsCompletedInReportsReceived } } }
    It holds counts only: no printer name, serial, address, file name or IP address.

Demo ready. Ctrl-C stops both servers and removes ${dir}.`);
  if (values.once) await shutdown(0);
}

main().catch(async (err: unknown) => {
  console.error(`The demo failed: ${(err as Error).message}`);
  for (const s of services) console.error(`--- ${s.name} output ---\n${s.output()}`);
  await shutdown(1);
});
