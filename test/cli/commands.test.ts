/**
 * Every command of `printernizer-stats` in-process (runCli, as the executable runs it) against a real
 * SQLite file, opened from the environment as the server opens it, and a real aggregator process
 * started with defaults: its text, its --json and its exit code.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { AddPrinterDocument, RecordUsageEventsDocument } from '../../clients/local/__generated__/graphql.js';
import { execute, inProcessBackend } from '../../src/cli/backend.js';
import { COMMANDS } from '../../src/cli/run.js';
import { ensureBuilt } from '../helpers/build.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { createTempDatabase, type TempDatabase } from '../helpers/temp-database.js';
import { withDeadline } from '../helpers/wait.js';
import { cli, parse } from './helpers.js';

const test = suite('printernizer-stats commands (in-process, SQLite, real aggregator)');

let db: TempDatabase;
let aggDb: TempDatabase;
let aggregator: ServerProcess;
let aggregatorUrl: string;
let env: Record<string, string>;
const folder = mkdtempSync(join(tmpdir(), 'cli-export-'));
const yesterdayNoon = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 12 * 3_600_000).toISOString();
const NASTY = '\u001b[2J<img src=x onerror=alert(1)>';

async function reportsAccepted(): Promise<number> {
  const res = await fetch(`${aggregatorUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ statsSummary { reportsAccepted } }' }),
  });
  return ((await res.json()) as { data: { statsSummary: { reportsAccepted: number } } }).data.statsSummary.reportsAccepted;
}

test.before(async () => {
  await ensureBuilt();
  db = await createTempDatabase('sqlite');
  aggDb = await createTempDatabase('sqlite');
  // Started with defaults: no AGGREGATOR_API_KEYS.
  aggregator = startServer('aggregator', {
    AGGREGATOR_PORT: '0',
    AGGREGATOR_DATABASE_URL: aggDb.url,
    AGGREGATOR_API_KEYS: '',
    AGGREGATOR_SUMMARY_MAX_AGE_SECONDS: '0',
  });
  aggregatorUrl = await withDeadline(aggregator.url, { timeoutMs: 60_000, message: 'the aggregator to listen' });
  env = { DATABASE_URL: db.url, USAGE_STATS_ENDPOINT: `${aggregatorUrl}/graphql`, USAGE_STATS_RETRY_COUNT: '0', LOG_LEVEL: 'silent' };
  // Seed through the same backend the CLI uses.
  const backend = await inProcessBackend(env);
  try {
    await execute(backend, AddPrinterDocument, { input: { name: NASTY, type: 'bambu_lab', model: 'X1C' } });
    await execute(backend, AddPrinterDocument, { input: { name: 'Desk MK4S', type: 'prusa', model: 'MK4S' } });
    const events = [
      ...Array.from({ length: 3 }, () => ({ type: 'JOB_COMPLETED' as const, printerType: 'bambu_lab', durationSeconds: 3600, occurredAt: yesterdayNoon })),
      { type: 'FILE_UPLOADED' as const, fileSizeBytes: 1_000_000, occurredAt: yesterdayNoon },
      { type: 'JOB_FAILED' as const, printerType: 'prusa', occurredAt: new Date(Date.now() - 10 * 86_400_000).toISOString() },
    ];
    await execute(backend, RecordUsageEventsDocument, { input: { events } });
  } finally {
    await backend.close();
  }
});

test.after(async () => {
  aggregator.child.kill('SIGTERM');
  await aggregator.exit;
  await db.drop();
  await aggDb.drop();
  rmSync(folder, { recursive: true, force: true });
});

test('--help on every command and for the whole CLI; usage errors exit 2 on stderr', async () => {
  const main = await cli(['--help'], env);
  assert.is(main.code, 0);
  for (const c of COMMANDS) {
    assert.match(main.stdout, new RegExp(`\\n  ${c.name}\\b`));
    const r = await cli([c.name, '--help'], env);
    assert.is(r.code, 0, c.name);
    assert.match(r.stdout, new RegExp(`^Usage: printernizer-stats ${c.name}`), c.name);
    assert.match(r.stdout, /--json/);
  }
  for (const argv of [
    [],
    ['frobnicate'],
    ['status', '--bogus'],
    ['status', 'extra'],
    ['export', 'a', 'b'],
    ['events', '--limit', 'x'],
    ['events', '--since', 'soon'],
  ]) {
    const r = await cli(argv, env);
    assert.is(r.code, 2, argv.join(' '));
    assert.is(r.stdout, '', argv.join(' '));
    assert.ok(r.stderr.length > 0, argv.join(' '));
  }
  const asJson = await cli(['frobnicate', '--json'], env);
  assert.is((JSON.parse(asJson.stderr) as { error: { exitCode: number } }).error.exitCode, 2);
});

test('status says why statistics are off: undecided, then a kill switch', async () => {
  const r = await cli(['status'], env);
  assert.is(r.code, 0);
  assert.match(r.stdout, /Statistics are OFF/);
  assert.match(r.stdout, /nobody has decided yet/);
  const j = parse<{ enabled: boolean; consent: string; reason: string; storedEvents: number }>(await cli(['status', '--json'], env));
  assert.equal([j.enabled, j.consent, j.storedEvents], [false, 'UNDECIDED', 5]);
  assert.match(j.reason, /opt-in/);
  const killed = await cli(['status'], { ...env, DO_NOT_TRACK: '1' });
  assert.match(killed.stdout, /kill switch DO_NOT_TRACK=1/);
});

test('submit while statistics are off exits 3 with the reason on stderr', async () => {
  const r = await cli(['submit'], env);
  assert.is(r.code, 3);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /not enabled.*FORBIDDEN/);
  const j = await cli(['submit', '--json'], env);
  const err = (JSON.parse(j.stderr) as { error: { code: string; exitCode: number } }).error;
  assert.equal([j.code, err.code, err.exitCode], [3, 'FORBIDDEN', 3]);
});

test('printers and plugins; a hostile printer name cannot reach the terminal as control characters', async () => {
  const r = await cli(['printers'], env);
  assert.is(r.code, 0);
  assert.match(r.stdout, /Desk MK4S/);
  assert.not.ok(r.stdout.includes('\u001b'), 'the escape character is replaced');
  assert.ok(r.stdout.includes('\uFFFD[2J<img src=x onerror=alert(1)>'));
  const j = parse<{ printers: { name: string }[] }>(await cli(['printers', '--json'], env));
  assert.equal(
    j.printers.map((p) => p.name),
    [NASTY, 'Desk MK4S'],
    '--json keeps the exact value (JSON escapes it)',
  );
  const p = await cli(['plugins'], env);
  assert.is(p.code, 0);
  assert.match(p.stdout, /bambu\s+\S+\s+LOADED/);
  const pj = parse<{ name: string; state: string }[]>(await cli(['plugins', '--json'], env));
  assert.equal(pj.map((x) => `${x.name}:${x.state}`).sort(), ['bambu:LOADED', 'prusa:LOADED']);
});

test('events: newest first, --since, --type, --limit', async () => {
  const all = parse<{ totalCount: number; events: { type: string }[] }>(await cli(['events', '--json'], env));
  assert.is(all.totalCount, 5);
  const recent = parse<{ totalCount: number; events: { type: string }[] }>(await cli(['events', '--since', '3d', '--json'], env));
  assert.is(recent.totalCount, 4, 'the JOB_FAILED of ten days ago is left out');
  const jobs = parse<{ events: { type: string }[] }>(await cli(['events', '--type', 'job_completed', '--limit', '2', '--json'], env));
  assert.equal(
    jobs.events.map((e) => e.type),
    ['JOB_COMPLETED', 'JOB_COMPLETED'],
  );
  const text = await cli(['events', '--limit', '2'], env);
  assert.is(text.code, 0);
  assert.match(text.stdout, /2 of 5 events/);
  assert.is((await cli(['events', '--type', 'NOT_A_TYPE'], env)).code, 2);
});

test('enable, preview, submit: the report reaches the aggregator started with defaults; a second submit exits 4', async () => {
  const on = await cli(['enable', '--json'], env);
  assert.is(on.code, 0);
  assert.equal(parse<{ enabled: boolean; consent: string }>(on).consent, 'GRANTED');
  assert.match((await cli(['status'], env)).stdout, /Statistics are ON/);
  const preview = parse<{ usage: { jobsCompleted: number }; fleet: { printerCount: number } }>(await cli(['preview', '--json'], env));
  assert.equal([preview.usage.jobsCompleted, preview.fleet.printerCount], [3, 2]);
  assert.not.ok(JSON.stringify(preview).includes('Desk MK4S'), 'no printer name in the report');
  const text = (await cli(['preview'], env)).stdout;
  assert.match(text, /exactly what would be sent/);
  assert.match(text, /In progress since \d{4}-\d{2}-\d{2}: /);
  const sent = await cli(['submit', '--json'], env);
  assert.is(sent.code, 0, sent.stderr);
  assert.is(parse<{ status: string }>(sent).status, 'SENT');
  assert.is(await reportsAccepted(), 1);
  const again = await cli(['submit'], env);
  assert.is(again.code, 4);
  assert.match(again.stderr, /NOTHING_TO_SUBMIT/);
});

test('export to a file (parses, every event), to stdout, and with progress on a terminal', async () => {
  const file = join(folder, 'export.json');
  const r = await cli(['export', file, '--json'], env);
  assert.is(r.code, 0, r.stderr);
  assert.equal(parse<{ events: number; file: string }>(r).events, 5);
  const content = JSON.parse(readFileSync(file, 'utf8')) as { events: unknown[]; submissions: unknown[]; settings: Record<string, unknown> };
  assert.equal([content.events.length, content.submissions.length], [5, 1]);
  assert.not.ok('installationSecret' in content.settings);
  assert.not.ok(existsSync(`${file}.partial`));
  const out = await cli(['export'], env);
  assert.is((JSON.parse(out.stdout) as { events: unknown[] }).events.length, 5);
  const tty = await cli(['export', join(folder, 'tty.json')], env, { tty: true });
  assert.is(tty.code, 0);
  assert.match(tty.stderr, /Exporting: \d+ events of 5/);
  assert.match(tty.stdout, /Exported 5 events/);
});

test('export interrupted by Ctrl-C exits 130 and leaves neither the file nor its partial', async () => {
  const file = join(folder, 'interrupted.json');
  const r = await cli(['export', file], env, { tty: true, interruptWhen: /Exporting:/ });
  assert.is(r.code, 130, r.stderr);
  assert.match(r.stderr, /export interrupted; nothing was written/);
  assert.not.ok(existsSync(file));
  assert.not.ok(existsSync(`${file}.partial`));
});

test('delete needs --yes off a terminal, asks on one, and deletes with --yes', async () => {
  const refused = await cli(['delete'], env);
  assert.is(refused.code, 2);
  assert.match(refused.stderr, /--yes/);
  const declined = await cli(['delete'], env, { tty: true, input: 'n\n' });
  assert.is(declined.code, 1);
  assert.match(declined.stderr, /nothing deleted/);
  assert.is(parse<{ storedEvents: number }>(await cli(['status', '--json'], env)).storedEvents, 5);
  const r = await cli(['delete', '--yes', '--remote', '--json'], env);
  assert.is(r.code, 0, r.stderr);
  const d = parse<{ deletedEventCount: number; deletedSubmissionCount: number; remoteDeletion: string }>(r);
  assert.equal([d.deletedEventCount, d.deletedSubmissionCount], [5, 1]);
  assert.is(d.remoteDeletion, 'DONE', 'the aggregator confirmed at once');
  assert.is(await reportsAccepted(), 0, 'the aggregator no longer counts the deleted installation');
  const s = parse<{ consent: string; storedEvents: number }>(await cli(['status', '--json'], env));
  assert.equal([s.consent, s.storedEvents], ['UNDECIDED', 0]);
});

test('disable records the refusal; status then says so', async () => {
  const r = await cli(['disable', '--json'], env);
  assert.is(r.code, 0);
  assert.is(parse<{ consent: string }>(r).consent, 'DENIED');
  assert.match((await cli(['disable'], env)).stdout, /Statistics are OFF/);
  assert.match((await cli(['status'], env)).stdout, /you opted out/);
});

test('a bad configuration exits 1 naming the variable', async () => {
  const r = await cli(['status'], { ...env, USAGE_STATS_SUBMISSION_INTERVAL_DAYS: '99' });
  assert.is(r.code, 1);
  assert.match(r.stderr, /USAGE_STATS_SUBMISSION_INTERVAL_DAYS="99"/);
});

test.run();
