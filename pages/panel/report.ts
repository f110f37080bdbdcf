/** “What we collect” from reportSchema, the next report as sent, and the period in progress. */
import { SubmitNowDocument, type PanelReportQuery, type ReportSchemaPageQuery, type SettingsPanelFragment } from '../../clients/local/__generated__/graphql.js';
import { el, replace } from '../shared/dom.js';
import { gql } from '../shared/graphql.js';
import { count, day, instant, json, period } from './format.js';
import { actionButton, badge, notice, statusLine } from './ui.js';

/** Every field a report may carry, with the version it came in; fields newer than the consent are marked. */
export function renderCollect(body: HTMLElement, fields: ReportSchemaPageQuery['reportSchema'], s: SettingsPanelFragment): void {
  const agreed = s.consent === 'GRANTED' ? (s.consentedSchemaVersion ?? 0) : null;
  const rows = fields.map((f) => {
    const isNew = agreed !== null && f.since > agreed;
    return el(
      'tr',
      {},
      el('th', { scope: 'row' }, el('code', {}, f.path)),
      el('td', {}, f.description),
      el('td', { class: 'num' }, `v${f.since}`, isNew ? ' ' : null, isNew ? badge('new since your consent', 'warn') : null),
    );
  });
  replace(
    body,
    el(
      'div',
      { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Report fields' },
      el(
        'table',
        {},
        el('caption', {}, `${fields.length} fields. A report carries only these; the aggregator refuses anything else.`),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Field'), el('th', { scope: 'col' }, 'What it says'), el('th', { scope: 'col' }, 'Since'))),
        el('tbody', {}, ...rows),
      ),
    ),
  );
}

const COUNT_LABELS: [keyof PanelReportQuery['periodInProgress']['usage'], string, string][] = [
  ['jobsCreated', 'job created', 'jobs created'],
  ['jobsCompleted', 'job completed', 'jobs completed'],
  ['jobsFailed', 'job failed', 'jobs failed'],
  ['jobsCancelled', 'job cancelled', 'jobs cancelled'],
  ['filesDownloaded', 'file downloaded', 'files downloaded'],
  ['filesUploaded', 'file uploaded', 'files uploaded'],
  ['appStarts', 'start', 'starts'],
  ['uptimeHours', 'hour running', 'hours running'],
];

function inProgress(p: PanelReportQuery['periodInProgress'], s: SettingsPanelFragment): HTMLElement {
  const counts = COUNT_LABELS.filter(([key]) => p.usage[key] > 0).map(([key, one, many]) => el('li', {}, count(p.usage[key], one, many)));
  const errors = p.errors.reduce((n, e) => n + e.count, 0);
  if (errors > 0) counts.push(el('li', {}, count(errors, 'error')));
  const when = p.sendsAt
    ? el('p', {}, 'These will be in the report for ', period(p.start, p.end), ', sent on ', instant(p.sendsAt), '.')
    : el(
        'p',
        {},
        'These would be in the report for ',
        period(p.start, p.end),
        s.blockedBy ? ' if statistics were not switched off.' : ' if you chose to share.',
      );
  return el(
    'div',
    { class: 'card', id: 'in-progress' },
    el('h3', {}, 'In progress since ', day(p.start), ' (UTC)'),
    counts.length ? el('ul', { class: 'counts' }, ...counts) : el('p', { class: 'muted' }, 'Nothing yet.'),
    when,
  );
}

/** The next report exactly as it would be sent (formatted JSON) and, beside it, the period in progress. */
export function renderReport(body: HTMLElement, r: PanelReportQuery, s: SettingsPanelFragment, refresh: () => Promise<void>): void {
  const status = statusLine();
  const send = s.enabled
    ? actionButton(
        'Send the next report now',
        status,
        async () => {
          const sent = await gql(SubmitNowDocument, {});
          await refresh();
          return notice(
            'ok',
            `Report ${sent.submitUsageReport?.submission.status === 'SENT' ? 'delivered' : 'stored; delivery will be retried'}. See “Sent reports”.`,
          );
        },
        { kind: 'secondary' },
      )
    : null;
  const code = el('code', {}, json(r.reportPreview.json));
  replace(
    body,
    el(
      'div',
      { class: 'report-grid' },
      el(
        'div',
        { class: 'card' },
        el('h3', {}, 'Next report: ', period(r.reportPreview.period.start, r.reportPreview.period.end)),
        // Right after a report went out, the next one's period has only begun: say so.
        new Date(r.reportPreview.period.end).getTime() > Date.now()
          ? el('p', { class: 'muted' }, 'Its period has only begun: the days up to the next midnight, so far. More days are added until it is due.')
          : null,
        el(
          'p',
          {},
          ...(s.enabled
            ? ['It goes out at ', instant(s.nextSubmissionAt), '. Exactly this JSON is sent, nothing else:']
            : ['Nothing is sent while statistics are off. If you share, exactly this JSON is sent:']),
        ),
        el('pre', { class: 'json', tabindex: 0, 'aria-label': 'The next report as JSON' }, code),
        send,
        status,
      ),
      inProgress(r.periodInProgress, s),
    ),
  );
}
