/** Your data: export everything as a file, delete everything (here, and at the aggregator if asked). */
import { DeleteUsageDataDocument, ExportUsageDataDocument, type SettingsPanelFragment } from '../../clients/local/__generated__/graphql.js';
import { el, replace } from '../shared/dom.js';
import { gql } from '../shared/graphql.js';
import { count, instant } from './format.js';
import { actionButton, errorText, notice, statusLine } from './ui.js';

/** Downloads the export as `printernizer-usage-data-<day>.json`; the content comes from the exportUsageData query. */
async function exportFile(): Promise<HTMLElement> {
  const d = await gql(ExportUsageDataDocument, {});
  const data = d.exportUsageData;
  const name = `printernizer-usage-data-${data.exportedAt.slice(0, 10)}.json`;
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return notice('ok', `Downloaded ${name}: ${count(data.events.length, 'event')}, ${count(data.submissions.length, 'report')}.`);
}

function step(text: string): HTMLElement {
  return el('li', {}, text);
}

/**
 * The confirmation dialog: what is deleted, the remote choice, then the progress step by step. It
 * lives outside the sections (made once, on document.body), so the refresh after a deletion
 * re-renders the sections without taking the progress away.
 */
function deleteDialog(refresh: () => Promise<void>): { dialog: HTMLDialogElement; open: (s: SettingsPanelFragment) => void } {
  const remote = el('input', { type: 'checkbox', id: 'delete-remote' });
  const progress = el('ol', { class: 'progress', 'aria-live': 'polite' });
  const confirm = el('button', { type: 'button', class: 'btn btn-danger' }, 'Delete everything');
  const cancel = el('button', { type: 'button', class: 'btn btn-secondary' }, 'Cancel');
  const dialog = el(
    'dialog',
    { 'aria-labelledby': 'delete-title', class: 'dialog' },
    el('h2', { id: 'delete-title' }, 'Delete all usage data?'),
    el(
      'p',
      {},
      'Every event, every report and the uptime record on this machine are deleted, the installation ID is forgotten and the choice goes back to “not decided”. This cannot be undone; export first if you want a copy.',
    ),
    el(
      'p',
      { class: 'option' },
      remote,
      ' ',
      el('label', { for: 'delete-remote' }, 'Also have the aggregator delete everything it holds for this installation'),
    ),
    progress,
    el('div', { class: 'buttons' }, confirm, cancel),
  );
  cancel.addEventListener('click', () => dialog.close());
  const run = async () => {
    confirm.disabled = true;
    cancel.disabled = true;
    replace(progress, step('Deleting the data on this machine…'));
    if (remote.checked) progress.append(step('Asking the aggregator to delete its copy…'));
    try {
      const r = (await gql(DeleteUsageDataDocument, { input: { deleteRemoteData: remote.checked } })).deleteUsageData;
      if (!r) throw new Error('The server did not delete anything.');
      replace(progress, step(`Deleted here: ${count(r.deletedEventCount, 'event')} and ${count(r.deletedSubmissionCount, 'report')}.`));
      const req = r.remoteDeletionRequest;
      if (remote.checked && r.remoteDeletion === 'DONE') progress.append(step('The aggregator confirmed: it holds nothing about this installation any more.'));
      else if (remote.checked && req) {
        progress.append(
          el(
            'li',
            { class: 'warn-text' },
            `The aggregator could not be reached${req.lastError ? ` (${req.lastError})` : ''}. The request is kept and tried again at `,
            instant(req.nextAttemptAt),
            ' until it is confirmed.',
          ),
        );
      }
      confirm.hidden = true;
      cancel.textContent = 'Close';
      await refresh();
    } catch (err) {
      progress.append(el('li', { class: 'error-text' }, `Nothing was deleted: ${errorText(err)}`));
      confirm.disabled = false;
    } finally {
      cancel.disabled = false;
    }
  };
  confirm.addEventListener('click', () => void run());
  const open = (s: SettingsPanelFragment) => {
    remote.checked = s.installationId !== null;
    replace(progress);
    confirm.hidden = false;
    confirm.disabled = false;
    cancel.textContent = 'Cancel';
    dialog.showModal();
    cancel.focus();
  };
  return { dialog, open };
}

let confirmation: ReturnType<typeof deleteDialog> | null = null;

export function renderData(body: HTMLElement, s: SettingsPanelFragment, refresh: () => Promise<void>): void {
  const exportStatus = statusLine();
  if (!confirmation) {
    confirmation = deleteDialog(refresh);
    document.body.append(confirmation.dialog);
  }
  const { open } = confirmation;
  const r = s.remoteDeletionRequest;
  replace(
    body,
    el(
      'div',
      { class: 'data-grid' },
      el(
        'div',
        { class: 'card' },
        el('h3', {}, 'Export'),
        el('p', {}, 'One JSON file with your settings (never the installation secret), every event and every report with its exact payload.'),
        actionButton('Download my data', exportStatus, exportFile, { kind: 'primary' }),
        exportStatus,
      ),
      el(
        'div',
        { class: 'card' },
        el('h3', {}, 'Delete'),
        el('p', {}, 'Removes everything stored here and, if you ask, at the aggregator.'),
        el('button', { type: 'button', class: 'btn btn-danger', onclick: () => open(s) }, 'Delete my data…'),
        r
          ? el(
              'p',
              { class: 'muted' },
              'Last deletion request at the aggregator: ',
              r.status === 'DONE' ? 'confirmed ' : 'still queued, next attempt ',
              instant(r.status === 'DONE' ? r.doneAt : r.nextAttemptAt),
              '.',
            )
          : null,
      ),
    ),
  );
}
