/**
 * The admin panel: unlocked by the admin key, which lives in this module's memory only (never in
 * localStorage, sessionStorage, a cookie or the URL) and is gone with the tab or on "Lock".
 */
import {
  AcknowledgeAnomalyDocument,
  AdminDeleteInstallationDocument,
  AdminInstallationDocument,
  AdminPanelDocument,
  type AdminInstallationQuery,
  type AdminPanelQuery,
  type AnomalyKind,
} from '../../clients/aggregator/__generated__/graphql.js';
import { el, replace } from '../shared/dom.js';
import { gql, GraphQLRequestError } from '../shared/graphql.js';
import { integer, numbersTable, percent, timeChart } from './charts.js';

let adminKey: string | null = null;

const headers = () => ({ 'x-admin-key': adminKey ?? '' });
const when = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '–');
const message = (err: unknown) => (err instanceof GraphQLRequestError ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err));

type Panel = NonNullable<AdminPanelQuery['admin']>;

function block(id: string, title: string, ...content: (Node | string | null)[]): HTMLElement {
  return el('section', { id, class: 'card', 'aria-labelledby': `${id}-title` }, el('h3', { id: `${id}-title` }, title), ...content);
}

/** The lookup form and its result outlive a refresh of the panel, so "Deleted" stays on screen. */
interface Lookup {
  form: HTMLFormElement;
  result: HTMLElement;
  refresh: () => Promise<void>;
}

function renderPanel(root: HTMLElement, p: Panel, lookup: Lookup): void {
  // Null only when an argument is refused, which these fixed ones never are.
  const [submissions, latestRefusals, deletions, events] = [p.submissions ?? [], p.latestRefusals ?? [], p.deletions ?? [], p.events ?? []];
  const codes = new Map<string, number>();
  for (const w of submissions) for (const c of w.refusalsByCode) codes.set(c.code, (codes.get(c.code) ?? 0) + c.count);
  replace(
    root,
    block(
      'admin-submissions',
      'Submissions per week',
      el('p', { class: 'note', id: 'success-rate' }, successLine(submissions)),
      timeChart(
        'Reports accepted per week',
        submissions.map((w) => w.weekStart),
        [{ name: 'accepted', values: submissions.map((w) => w.accepted) }],
        {
          kind: 'columns',
          format: (n) => integer(Math.round(n)),
        },
      ),
      numbersTable(
        'Submissions per week',
        ['Week of', 'Accepted', 'Refused', 'Success rate'],
        submissions.map((w) => [w.weekStart, integer(w.accepted), integer(w.refused), w.successRate === null ? '–' : percent(w.successRate)]),
      ),
      el('h4', {}, 'Refusals by code'),
      codes.size
        ? el('ul', { id: 'refusal-codes' }, ...[...codes].sort((a, b) => b[1] - a[1]).map(([code, n]) => el('li', {}, el('code', {}, code), ` ${integer(n)}`)))
        : el('p', {}, 'No refusals.'),
      el('h4', {}, 'Latest refusals'),
      latestRefusals.length
        ? el(
            'table',
            { id: 'latest-refusals' },
            el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'When'), el('th', { scope: 'col' }, 'Code'))),
            el('tbody', {}, ...latestRefusals.map((r) => el('tr', {}, el('td', {}, when(r.at)), el('td', {}, el('code', {}, r.code))))),
          )
        : el('p', {}, 'None.'),
    ),
    block(
      'admin-installations',
      'Installations',
      el(
        'dl',
        { class: 'states' },
        ...p.installationsByState.map((s) => el('div', { class: 'stat' }, el('dt', {}, s.state.toLowerCase()), el('dd', {}, integer(s.count)))),
      ),
      lookup.form,
      lookup.result,
    ),
    block(
      'admin-anomalies',
      'Anomalies',
      p.anomalies.length
        ? el(
            'ul',
            { class: 'anomalies' },
            ...p.anomalies.map((a) =>
              el(
                'li',
                { class: `severity-${a.severity.toLowerCase()}` },
                el('strong', {}, `${a.severity} · ${a.kind}`),
                el('p', {}, a.message),
                el('p', { class: 'note' }, `Since ${when(a.since)}`, a.acknowledgedAt ? ` · acknowledged ${when(a.acknowledgedAt)}` : ''),
                a.acknowledgedAt ? null : el('button', { type: 'button', onclick: () => void acknowledge(a.kind, lookup.refresh) }, `Acknowledge ${a.kind}`),
              ),
            ),
          )
        : el('p', {}, 'All normal: no rule finds anything.'),
    ),
    block(
      'admin-deletions',
      'Deletion requests handled',
      numbersTable(
        'Deletion requests per week',
        ['Week of', 'Handled', 'By the operator'],
        deletions.map((d) => [d.weekStart, integer(d.deletions), integer(d.byOperator)]),
      ),
      el('h4', {}, 'Latest events'),
      events.length
        ? el(
            'ul',
            { id: 'events' },
            ...events.map((e) => el('li', {}, `${when(e.at)} · ${e.kind} · ${e.actor}`, e.subject ? el('code', {}, ` ${e.subject}`) : null)),
          )
        : el('p', {}, 'None.'),
    ),
  );
}

function successLine(weeks: Panel['submissions'] & object): string {
  const accepted = weeks.reduce((n, w) => n + w.accepted, 0);
  const refused = weeks.reduce((n, w) => n + w.refused, 0);
  const last = weeks.at(-1);
  const rate = (r: number | null | undefined) => (r === null || r === undefined ? '–' : percent(r));
  return `Success rate this week ${rate(last?.successRate)}, over ${weeks.length} weeks ${rate(accepted + refused ? accepted / (accepted + refused) : null)} (${integer(accepted)} accepted, ${integer(refused)} refused).`;
}

async function acknowledge(kind: AnomalyKind, refresh: () => Promise<void>): Promise<void> {
  await gql(AcknowledgeAnomalyDocument, { input: { kind } }, { headers: headers() });
  await refresh();
}

function installationDetails(i: NonNullable<NonNullable<AdminInstallationQuery['admin']>['installation']>): HTMLElement {
  const rows: [string, string][] = [
    ['Id', i.installationId],
    ['First report', when(i.firstReportAt)],
    ['Latest report', when(i.lastReportAt)],
    ['Version', i.appVersion],
    ['Platform', i.platform],
    ['Deployment', i.deploymentMode],
    ['Country', i.countryCode ?? 'unknown'],
    ['Printers', integer(i.printerCount)],
    ['Reports accepted', integer(i.reportsAccepted)],
  ];
  return el('dl', { class: 'record' }, ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

async function showInstallation(out: HTMLElement, id: string, refresh: () => Promise<void>): Promise<void> {
  try {
    const found = (await gql(AdminInstallationDocument, { id }, { headers: headers() })).admin?.installation;
    if (!found) return replace(out, el('p', { role: 'status' }, 'No installation with this id is stored.'));
    const confirm = el('button', { type: 'button', class: 'danger', hidden: true }, 'Yes, delete it and all its data');
    confirm.addEventListener('click', () => {
      void (async () => {
        try {
          const done = await gql(AdminDeleteInstallationDocument, { input: { installationId: found.installationId } }, { headers: headers() });
          replace(
            out,
            el(
              'p',
              { role: 'status' },
              `Deleted: ${integer(done.deleteInstallation.deletedReports)} reports erased. The event log keeps a hash prefix, not the id.`,
            ),
          );
          await refresh();
        } catch (err) {
          replace(out, el('p', { role: 'alert' }, message(err)));
        }
      })();
    });
    const ask = el('button', { type: 'button', class: 'danger' }, 'Delete this installation…');
    ask.addEventListener('click', () => {
      ask.hidden = true;
      confirm.hidden = false;
      confirm.focus();
    });
    replace(out, installationDetails(found), el('div', { class: 'row' }, ask, confirm));
  } catch (err) {
    replace(out, el('p', { role: 'alert' }, message(err)));
  }
}

/** Puts the unlock form into `container`; after a good key, the panel. */
export function mountAdmin(container: HTMLElement): void {
  const status = el('p', { id: 'admin-status', role: 'status' });
  const panel = el('div', { id: 'admin-panel' });
  const keyInput = el('input', { id: 'admin-key', type: 'password', name: 'admin-key', autocomplete: 'off', required: true });
  const lock = el('button', { type: 'button', hidden: true }, 'Lock');
  const form = el('form', { class: 'row' }, el('label', { for: 'admin-key' }, 'Admin key'), keyInput, el('button', { type: 'submit' }, 'Unlock'));

  const result = el('div', { id: 'lookup-result', 'aria-live': 'polite' });
  const idInput = el('input', { id: 'lookup-id', name: 'id', autocomplete: 'off', spellcheck: 'false', placeholder: 'xxxxxxxx-xxxx-4xxx-xxxx-xxxxxxxxxxxx' });
  const lookup: Lookup = {
    form: el('form', { class: 'row' }, el('label', { for: 'lookup-id' }, 'Installation id'), idInput, el('button', { type: 'submit' }, 'Look up')),
    result,
    refresh: () => refresh(),
  };
  lookup.form.addEventListener('submit', (e) => {
    e.preventDefault();
    void showInstallation(result, idInput.value.trim(), refresh);
  });

  const refresh = async () => {
    try {
      const data = await gql(AdminPanelDocument, { weeks: 12, refusals: 20 }, { headers: headers() });
      if (!data.admin) throw new Error('The admin console did not answer.');
      renderPanel(panel, data.admin, lookup);
      status.textContent = 'Unlocked. The key is kept in this tab’s memory only.';
      keyInput.value = '';
      form.hidden = true;
      lock.hidden = false;
      container.dataset.unlocked = 'true';
    } catch (err) {
      adminKey = null;
      status.textContent = `Not unlocked: ${message(err)}`;
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    adminKey = keyInput.value;
    void refresh();
  });
  lock.addEventListener('click', () => {
    adminKey = null;
    replace(panel);
    replace(result);
    idInput.value = '';
    form.hidden = false;
    lock.hidden = true;
    delete container.dataset.unlocked;
    status.textContent = 'Locked.';
    keyInput.focus();
  });
  replace(
    container,
    el('h2', { id: 'admin-title' }, 'Admin panel'),
    el('p', { class: 'note' }, 'For the operator: needs the aggregator’s admin key (AGGREGATOR_ADMIN_KEY).'),
    form,
    el('div', {}, lock),
    status,
    panel,
  );
}
