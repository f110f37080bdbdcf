/** Consent: the three states and what changes on each, the re-consent banner and the kill switch. */
import { OptInDocument, OptOutDocument, type ConsentState, type SettingsPanelFragment } from '../../clients/local/__generated__/graphql.js';
import { el, replace } from '../shared/dom.js';
import { gql } from '../shared/graphql.js';
import { instant } from './format.js';
import { actionButton, badge, facts, notice, statusLine } from './ui.js';

interface StateText {
  title: string;
  what: string[];
}

function states(s: SettingsPanelFragment): Record<ConsentState, StateText> {
  return {
    UNDECIDED: {
      title: 'Not decided yet',
      what: [
        'Nothing leaves this machine.',
        'Events are recorded here, so you can look at them and at the report before you decide.',
        'This is where every installation starts, and where deleting your data brings you back.',
      ],
    },
    GRANTED: {
      title: 'Share anonymous counts',
      what: [
        `Every ${s.submissionIntervalDays} days, one report of counts goes to ${s.endpoint}: exactly the JSON shown under “Next report”.`,
        'No printer name, serial number, address, file name, path, user name or message is ever in it.',
        'A random installation ID is created; it is not derived from anything about you or your printers.',
      ],
    },
    DENIED: {
      title: 'Don’t share',
      what: [
        'Nothing is sent. Reports built but not yet sent are cancelled.',
        'Your events stay here for your own statistics until you delete them.',
        'You can also ask the aggregator to delete what it already holds.',
      ],
    },
  };
}

function banners(s: SettingsPanelFragment, reconsent: HTMLButtonElement): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (s.blockedBy) {
    out.push(
      notice(
        'warn',
        el('strong', {}, 'Statistics are switched off on this server. '),
        `The environment variable ${s.blockedBy} is set, so nothing is sent whatever you choose here. `,
        'Your choice is kept and applies once the variable is removed.',
      ),
    );
  }
  if (s.needsReconsent) {
    out.push(
      notice(
        'info',
        el('strong', {}, 'Reports can now carry more fields. '),
        `You agreed to report schema version ${s.consentedSchemaVersion ?? '—'}; this version is ${s.currentSchemaVersion}. `,
        'Until you agree again, reports leave the new fields out. The new fields are marked in “What we collect”. ',
        reconsent,
      ),
    );
  }
  return out;
}

function deletionText(s: SettingsPanelFragment): string {
  const r = s.remoteDeletionRequest;
  if (!r) return 'never requested';
  if (r.status === 'DONE') return 'done: the aggregator confirmed it';
  return `queued, ${r.attempts} attempt(s) so far${r.lastError ? `; last error: ${r.lastError}` : ''}`;
}

/** Renders the consent section into `body`; `refresh` reloads the whole panel after a change. */
export function renderConsent(body: HTMLElement, s: SettingsPanelFragment, refresh: () => Promise<void>): void {
  const status = statusLine();
  const shareCountry = el('input', { type: 'checkbox', id: 'share-country', checked: s.shareCountry });
  const deleteRemote = el('input', { type: 'checkbox', id: 'optout-delete-remote' });
  const optIn = async () => {
    await gql(OptInDocument, { input: { shareCountry: shareCountry.checked } });
    await refresh();
    return notice('ok', 'Thank you. Statistics are shared from now on.');
  };
  const optOut = async () => {
    const r = await gql(OptOutDocument, { input: { deleteRemoteData: deleteRemote.checked } });
    await refresh();
    const d = r.optOutUsageStatistics?.usageSettings.remoteDeletionRequest;
    const remote =
      deleteRemote.checked && d
        ? ` Remote deletion: ${d.status === 'DONE' ? 'confirmed by the aggregator' : `queued (${d.lastError ?? 'not reached yet'})`}.`
        : '';
    return notice('ok', `Statistics are off. Nothing is sent.${remote}`);
  };
  const reconsent = actionButton(`Agree to version ${s.currentSchemaVersion}`, status, optIn, { kind: 'primary' });

  const texts = states(s);
  const cards = (['UNDECIDED', 'GRANTED', 'DENIED'] as const).map((state) => {
    const current = s.consent === state;
    const card = el(
      'li',
      { class: `state${current ? ' state-current' : ''}`, 'aria-current': current ? 'true' : null },
      el('h3', {}, texts[state].title, ' ', current ? badge('current choice', 'ok') : null),
      el('ul', {}, ...texts[state].what.map((w) => el('li', {}, w))),
    );
    if (state === 'GRANTED' && !(current && !s.needsReconsent)) {
      card.append(
        el(
          'p',
          { class: 'option' },
          shareCountry,
          ' ',
          el('label', { for: 'share-country' }, 'Include my country (from the time zone, never from the IP address)'),
        ),
        actionButton(current ? 'Agree again' : 'Share statistics', status, optIn, { kind: 'primary' }),
      );
    }
    if (state === 'DENIED' && !current) {
      card.append(
        el('p', { class: 'option' }, deleteRemote, ' ', el('label', { for: 'optout-delete-remote' }, 'Also ask the aggregator to delete what it holds')),
        actionButton('Don’t share', status, optOut),
      );
    }
    return card;
  });

  replace(
    body,
    ...banners(s, reconsent),
    el('p', { class: 'summary' }, 'Right now: ', s.enabled ? badge('statistics are on', 'ok') : badge('nothing is sent', 'neutral')),
    el('ul', { class: 'states', 'aria-label': 'The three choices' }, ...cards),
    status,
    facts([
      ['Installation ID', s.installationId ? el('code', {}, s.installationId) : 'none (created at the first opt-in)'],
      ['Reports go to', el('code', {}, s.endpoint)],
      ['Report schema', `version ${s.currentSchemaVersion}${s.consentedSchemaVersion ? `; you agreed to version ${s.consentedSchemaVersion}` : ''}`],
      ['Last report accepted', instant(s.lastSubmissionAt)],
      ['Next report sent', s.enabled ? instant(s.nextSubmissionAt) : 'never, while statistics are off'],
      ['Last problem', s.lastSubmissionError ?? 'none'],
      ['Deletion at the aggregator', deletionText(s)],
    ]),
  );
}
