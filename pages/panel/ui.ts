/** Small building blocks the sections share: section frames, notices, buttons that show their work. */
import { el, replace, type Child } from '../shared/dom.js';
import { GraphQLRequestError } from '../shared/graphql.js';

/** A top-level section with its heading; `body` is filled by the section's renderer. */
export function section(id: string, title: string, intro: string): { root: HTMLElement; body: HTMLElement } {
  const body = el('div', { class: 'section-body' }, el('p', { class: 'muted' }, 'Loading…'));
  const root = el('section', { id, 'aria-labelledby': `${id}-title` }, el('h2', { id: `${id}-title` }, title), el('p', { class: 'intro' }, intro), body);
  return { root, body };
}

/** A highlighted message: `info`, `warn` or `error`; warnings and errors are announced. */
export function notice(kind: 'info' | 'warn' | 'error' | 'ok', ...children: Child[]): HTMLElement {
  return el('div', { class: `notice notice-${kind}`, role: kind === 'error' || kind === 'warn' ? 'alert' : 'status' }, ...children);
}

/** The message to show for a failed request, with the server's error code. */
export function errorText(err: unknown): string {
  if (err instanceof GraphQLRequestError) return `${err.message} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}

/** A badge: the text carries the meaning, the colour only repeats it. */
export function badge(text: string, tone: 'ok' | 'warn' | 'bad' | 'neutral' = 'neutral'): HTMLElement {
  return el('span', { class: `badge badge-${tone}` }, text);
}

/** A definition list from label/value pairs. */
export function facts(rows: [string, Child][]): HTMLElement {
  const dl = el('dl', { class: 'facts' });
  for (const [label, value] of rows) dl.append(el('dt', {}, label), el('dd', {}, value));
  return dl;
}

/**
 * A button that runs `action`, disabled and marked busy meanwhile; the outcome (or error) goes
 * into `status`, a live region beside it.
 */
export function actionButton(
  label: string,
  status: HTMLElement,
  action: () => Promise<Child | void>,
  o: { kind?: 'primary' | 'secondary' | 'danger' } = {},
): HTMLButtonElement {
  const button = el('button', { type: 'button', class: `btn btn-${o.kind ?? 'secondary'}` }, label);
  const run = async () => {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    replace(status, 'Working…');
    try {
      const result = await action();
      replace(status, result ?? '');
    } catch (err) {
      replace(status, notice('error', errorText(err)));
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  };
  button.addEventListener('click', () => void run());
  return button;
}

/** A live region for a button's outcome. */
export function statusLine(): HTMLElement {
  return el('div', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
}
