/**
 * The privacy panel at `/`: it talks only to POST /graphql, with the documents in
 * clients/local/*.graphql typed by graphql-codegen (client preset), the path the Printernizer
 * frontend takes. Everything is put on screen through pages/shared/dom.ts, never innerHTML.
 */
import {
  PanelReportDocument,
  PluginsPageDocument,
  PrintersPageDocument,
  ReportSchemaPageDocument,
  UsageSettingsPageDocument,
} from '../../clients/local/__generated__/graphql.js';
import { el, replace } from '../shared/dom.js';
import { gql } from '../shared/graphql.js';
import { renderConsent } from './consent.js';
import { renderData } from './data.js';
import { renderFleet } from './fleet.js';
import { renderLedger } from './ledger.js';
import { renderCollect, renderReport } from './report.js';
import { loadStatistics, renderStatistics } from './stats.js';
import { errorText, notice, section } from './ui.js';

const sections = {
  consent: section('consent', 'Your choice', 'Statistics are off unless you switch them on. Here is what each choice means.'),
  report: section('report', 'Next report', 'The next report exactly as it would be sent, and what has been recorded since.'),
  stats: section('statistics', 'Your statistics', 'Computed here from the events on this machine. None of these charts is sent anywhere.'),
  collect: section('collect', 'What we collect', 'Every field a report can carry, from the report contract itself, and the schema version it came in.'),
  ledger: section('ledger', 'Sent reports', 'Every report built on this machine, with its exact payload: what was sent, when, and what went wrong.'),
  data: section('data', 'Your data', 'Take a copy of everything, or delete everything.'),
  fleet: section('fleet', 'Printers and plugins', 'What the report counts the printers from.'),
};

/** Runs one section's loader; a failure shows in that section and the others still load. */
async function fill(body: HTMLElement, load: () => Promise<void>): Promise<void> {
  try {
    await load();
  } catch (err) {
    replace(body, notice('error', `Could not load this part: ${errorText(err)}`));
  }
}

async function refresh(): Promise<void> {
  const settings = (await gql(UsageSettingsPageDocument, {})).usageSettings;
  await Promise.all([
    fill(sections.consent.body, async () => renderConsent(sections.consent.body, settings, refresh)),
    fill(sections.collect.body, async () => renderCollect(sections.collect.body, (await gql(ReportSchemaPageDocument, {})).reportSchema, settings)),
    fill(sections.report.body, async () => renderReport(sections.report.body, await gql(PanelReportDocument, {}), settings, refresh)),
    fill(sections.stats.body, async () => renderStatistics(sections.stats.body, await loadStatistics())),
    fill(sections.ledger.body, () => renderLedger(sections.ledger.body)),
    fill(sections.data.body, async () => renderData(sections.data.body, settings, refresh)),
    fill(sections.fleet.body, async () => {
      const [printers, plugins] = await Promise.all([gql(PrintersPageDocument, {}), gql(PluginsPageDocument, {})]);
      renderFleet(sections.fleet.body, printers, plugins);
    }),
  ]);
  document.body.dataset.loaded = String(Number(document.body.dataset.loaded ?? 0) + 1);
}

const main = document.getElementById('main');
if (main) {
  replace(main, ...Object.values(sections).map((s) => s.root));
  refresh().catch((err: unknown) => replace(main, notice('error', `The statistics server did not answer: ${errorText(err)}`)));
  main.append(el('p', { class: 'muted footer' }, 'Want the raw API? GraphiQL is at ', el('a', { href: '/graphql' }, '/graphql'), '.'));
}
