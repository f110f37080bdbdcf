/** Printers and plugins: what is configured here (names stay here) and which plugins are loaded. */
import type { PluginsPageQuery, PrintersPageQuery } from '../../clients/local/__generated__/graphql.js';
import { el, replace } from '../shared/dom.js';
import { badge } from './ui.js';

function table(caption: string, head: string[], rows: (Node | string)[][]): HTMLElement {
  return el(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    el(
      'table',
      {},
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows.map(([first, ...rest]) => el('tr', {}, el('th', { scope: 'row' }, first ?? ''), ...rest.map((c) => el('td', {}, c))))),
    ),
  );
}

export function renderFleet(body: HTMLElement, p: PrintersPageQuery, g: PluginsPageQuery): void {
  const printers = p.printers.map((x) => [
    x.name,
    x.type.displayName,
    x.model ?? 'not known',
    x.type.available ? badge('available', 'ok') : badge('plugin missing', 'bad'),
  ]);
  const plugins = g.plugins.map((x) => [
    x.name,
    x.version,
    x.state === 'LOADED' ? badge('loaded', 'ok') : badge(x.state.toLowerCase(), 'bad'),
    x.printerTypeIds.join(', ') || '—',
    x.error ? `${x.errorCode ?? ''} ${x.error}`.trim() : '—',
  ]);
  replace(
    body,
    el('p', {}, 'Names, serial numbers and addresses stay on this machine; a report carries only how many printers of each type and model.'),
    printers.length
      ? table(`${printers.length} printer${printers.length === 1 ? '' : 's'}`, ['Name', 'Type', 'Model', 'Plugin'], printers)
      : el('p', { class: 'muted' }, 'No printers are configured.'),
    table('Printer plugins', ['Plugin', 'Version', 'State', 'Printer types', 'Problem'], plugins),
  );
}
