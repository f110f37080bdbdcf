import { CliPeriodInProgressDocument, ReportPreviewPageDocument, SubmitNowDocument } from '../../../clients/local/__generated__/graphql.js';
import { execute } from '../backend.js';
import { defineCommand } from '../command.js';
import { CliError, EXIT } from '../errors.js';
import { clean, json, line, plural, when } from '../output.js';

export const preview = defineCommand({
  name: 'preview',
  summary: 'the next report exactly as it would be sent (sends nothing)',
  details:
    'With --json, stdout is the report document itself. Its reportId (and, before the first opt-in, installationId) are placeholders: real ids are drawn when the report is built.',
  async run({ io, backend, json: asJson }) {
    const { reportPreview: r } = await execute(backend, ReportPreviewPageDocument, {});
    if (asJson) return json(io, r.json);
    line(io, `The next report covers ${r.period.start.slice(0, 10)} to ${r.period.end.slice(0, 10)} (${plural(r.period.days, 'day')}, UTC, end excluded).`);
    line(io, 'This is exactly what would be sent, nothing else; nothing has been sent:');
    line(io);
    line(io, JSON.stringify(r.json, null, 2));
    const { periodInProgress: p } = await execute(backend, CliPeriodInProgressDocument, {});
    const counts = Object.entries(p.usage)
      .filter(([k, v]) => k !== '__typename' && typeof v === 'number' && v > 0)
      .map(([k, v]) => `${k} ${v}`);
    const errors = p.errors.reduce((n, e) => n + e.count, 0);
    line(io);
    line(io, `In progress since ${p.start.slice(0, 10)}: ${[...counts, ...(errors ? [`errors ${errors}`] : [])].join(', ') || 'nothing recorded yet'}.`);
    line(
      io,
      `These go in the report for the period ending ${p.end.slice(0, 10)}${p.sendsAt ? `, sent ${when(p.sendsAt, io.now())}` : ', sent once statistics are on'}.`,
    );
  },
});

export const submit = defineCommand({
  name: 'submit',
  summary: 'build and send the next report now instead of waiting for the schedule',
  details: `Exit codes: ${EXIT.STATISTICS_OFF} when statistics are off, ${EXIT.NOTHING_TO_SUBMIT} when no whole UTC day has passed since the last report, ${EXIT.FAILURE} when the report was built but not delivered (it stays in the ledger and is retried).`,
  async run({ io, backend, json: asJson }) {
    const d = await execute(backend, SubmitNowDocument, {});
    const s = d.submitUsageReport?.submission;
    if (!s) return;
    if (asJson) json(io, s);
    const period = `${s.periodStart.slice(0, 10)} to ${s.periodEnd.slice(0, 10)}`;
    if (s.status === 'SENT') {
      if (!asJson) line(io, `Report ${s.id} (${period}) delivered${s.duplicate ? ': the aggregator already had it' : ''}.`);
      return;
    }
    if (s.status === 'PENDING')
      throw new CliError(`report ${s.id} (${period}) was built but not delivered: ${clean(s.lastError)}; it is retried ${when(s.nextAttemptAt, io.now())}`);
    throw new CliError(`report ${s.id} (${period}) is ${s.status}: ${clean(s.lastError)}`);
  },
});
