import type { Notice } from '../alerts/notifier.js';
import type { BucketCount } from '../summary.js';
import { html, type Html } from './html.js';
import type { WeeklyReport } from './weekly.js';

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
const signed = (growth: number | null) => (growth === null ? 'n/a' : `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %`);

/** Each section once, as [title, rows of cells]: the text and HTML parts print the same numbers. */
function sections(r: WeeklyReport): [string, string[], (string | number)[][]][] {
  const buckets = (list: BucketCount[]) => list.map((b) => [b.key, b.count, pct(b.share)]);
  const i = r.installations;
  return [
    [
      'Installations',
      ['', 'number'],
      [
        ['reporting this week', i.reportingThisWeek],
        ['reporting the week before', i.reportingWeekBefore],
        ['growth', signed(i.growth)],
        ['first report this week', i.firstReportedThisWeek],
        ['active in the last 30 days', i.activeLast30Days],
        ['ever reported', i.everReported],
        ['reports this week', r.reports.thisWeek],
        ['reports the week before', r.reports.weekBefore],
      ],
    ],
    ['App versions (active installations)', ['version', 'installations', 'share'], buckets(r.appVersions)],
    ['Printer types (printers of active installations)', ['type', 'printers', 'share'], buckets(r.printerTypes)],
    ['Features', ['feature', 'enabled installations', 'share'], r.features.map((f) => [f.feature, f.enabledInstallations, pct(f.share)])],
    [
      'Errors',
      ['component/type', 'errors', 'share'],
      [['all, this week', r.errors.thisWeek, ''], ['all, the week before', r.errors.weekBefore, ''], ...buckets(r.errors.byComponentAndType)],
    ],
    [
      'Anomalies of the week',
      ['kind', 'severity', 'open', 'message'],
      r.anomalies.map((a) => [a.kind, a.severity ?? '', `${a.openedAt ?? '?'} – ${a.resolvedAt ?? 'still open'}`, a.message ?? '']),
    ],
  ];
}

function text(r: WeeklyReport): string {
  const lines = [`Printernizer statistics, week of ${r.weekStart} (to ${r.weekEnd}, UTC)`, ''];
  for (const [title, head, rows] of sections(r)) {
    lines.push(title, '-'.repeat(title.length));
    if (rows.length === 0) lines.push('(none)');
    // A two-column table reads as "label: value"; wider ones name each cell; empty cells are left out.
    else
      for (const row of rows)
        lines.push(
          head.length === 2
            ? `${row[0]}: ${row[1]}`
            : row
                .map((c, n) => (n === 0 || c === '' ? String(c) : `${head[n]}: ${c}`))
                .filter(Boolean)
                .join('  ·  '),
        );
    lines.push('');
  }
  lines.push(`Buckets of fewer than ${r.kAnonymity} installations are counted under "other".`);
  return lines.join('\n') + '\n';
}

function htmlBody(r: WeeklyReport): Html {
  const tables = sections(r).map(
    ([title, head, rows]) =>
      html`<h2>${title}</h2>
        ${
          rows.length === 0
            ? html`<p>(none)</p>`
            : html`<table border="1" cellpadding="4" cellspacing="0">
                <thead>
                  <tr>
                    ${head.map((h) => html`<th>${h}</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    (row) =>
                      html`<tr>
                        ${row.map((c) => html`<td>${c}</td>`)}
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }`,
  );
  return html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>Printernizer statistics, week of ${r.weekStart}</title>
      </head>
      <body>
        <h1>Printernizer statistics, week of ${r.weekStart}</h1>
        <p>From ${r.weekStart} to ${r.weekEnd} (UTC), generated ${r.generatedAt}.</p>
        ${tables}
        <p>Buckets of fewer than ${r.kAnonymity} installations are counted under "other".</p>
      </body>
    </html>`;
}

/** The weekly report as a notice: e-mail with text and HTML parts, and JSON (with a chat `text` line) for the webhook. */
export function weeklyNotice(r: WeeklyReport): Notice {
  const summary = `Printernizer statistics, week of ${r.weekStart}: ${r.installations.reportingThisWeek} installations reporting (${signed(r.installations.growth)}), ${r.reports.thisWeek} reports, ${r.errors.thisWeek} errors, ${r.anomalies.length} anomalies.`;
  return {
    kind: 'weekly_report',
    subject: `Printernizer statistics: weekly report, week of ${r.weekStart}`,
    text: text(r),
    html: htmlBody(r).value,
    json: { text: summary, type: 'weekly_report', report: r },
  };
}
