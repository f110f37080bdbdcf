/** Sent reports: every report ever built, with status, attempts, last error, next attempt and exact payload. */
import { SubmissionsLedgerDocument, type SubmissionsLedgerQuery, type SubmissionStatus } from '../../clients/local/__generated__/graphql.js';
import { el, replace } from '../shared/dom.js';
import { gql } from '../shared/graphql.js';
import { instant, json, period } from './format.js';
import { badge, facts } from './ui.js';

type Node = NonNullable<SubmissionsLedgerQuery['submissions']>['edges'][number]['node'];

const STATUS: Record<SubmissionStatus, [string, 'ok' | 'warn' | 'bad' | 'neutral']> = {
  SENT: ['sent', 'ok'],
  PENDING: ['waiting to be sent', 'warn'],
  REJECTED: ['refused by the aggregator', 'bad'],
  CANCELLED: ['cancelled', 'neutral'],
};

function entry(s: Node): HTMLElement {
  const [text, tone] = STATUS[s.status];
  return el(
    'li',
    { class: 'ledger-entry', 'data-status': s.status },
    el('h3', {}, period(s.periodStart, s.periodEnd), ' ', badge(text, tone), s.duplicate ? badge('already there (resent)', 'neutral') : null),
    facts([
      ['Built', instant(s.createdAt)],
      ['Sent', instant(s.sentAt)],
      ['Attempts', String(s.attempts)],
      ['Last error', s.lastError ?? 'none'],
      ['Next attempt', s.status === 'PENDING' ? instant(s.nextAttemptAt) : '—'],
      ['Report ID', el('code', {}, s.id)],
    ]),
    el('details', {}, el('summary', {}, 'The exact payload'), el('pre', { class: 'json', tabindex: 0 }, el('code', {}, json(s.payload)))),
  );
}

/** Renders the newest reports first (the connection's order), 20 at a time, with a button for older ones. */
export async function renderLedger(body: HTMLElement): Promise<void> {
  const list = el('ul', { class: 'ledger' });
  const more = el('div');
  const page = async (after: string | null) => {
    const d = await gql(SubmissionsLedgerDocument, { first: 20, after });
    const c = d.submissions;
    if (!c) return;
    for (const e of c.edges) list.append(entry(e.node));
    replace(
      more,
      c.pageInfo.hasNextPage
        ? el('button', { type: 'button', class: 'btn btn-secondary', onclick: () => void page(c.pageInfo.endCursor ?? null) }, 'Show more')
        : null,
    );
    return c.totalCount;
  };
  const total = await page(null);
  replace(
    body,
    total ? el('p', {}, `${total} report${total === 1 ? '' : 's'} built on this machine.`) : el('p', { class: 'muted' }, 'No report has been built yet.'),
    list,
    more,
  );
}
