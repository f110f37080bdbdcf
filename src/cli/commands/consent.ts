import { OptInDocument, OptOutDocument } from '../../../clients/local/__generated__/graphql.js';
import { execute } from '../backend.js';
import { defineCommand } from '../command.js';
import { clean, json, line, when } from '../output.js';
import { offReason, remoteDeletionText } from './status.js';

export const enable = defineCommand({
  name: 'enable',
  summary: 'opt in: share weekly counts (see `preview` for exactly what)',
  details: 'The first report covers at most one interval before the latest UTC midnight: history recorded while statistics were off is never sent.',
  options: { 'no-country': { type: 'boolean', description: 'withhold the country (reports carry countryCode null)' } },
  async run({ io, backend, values, json: asJson }) {
    const d = await execute(backend, OptInDocument, { input: { shareCountry: values['no-country'] !== true } });
    const s = d.optInUsageStatistics?.usageSettings;
    if (!s) return;
    if (asJson) return json(io, s);
    const reason = offReason(s);
    if (reason) line(io, `Consent recorded, but statistics stay OFF: ${reason}`);
    else line(io, `Statistics are ON. Installation ${clean(s.installationId)}; the next report goes ${when(s.nextSubmissionAt, io.now())}.`);
    line(io, '`printernizer-stats preview` shows it exactly; `printernizer-stats disable` takes the consent back.');
  },
});

export const disable = defineCommand({
  name: 'disable',
  summary: 'opt out: nothing more is sent, reports not yet delivered are cancelled',
  options: { remote: { type: 'boolean', description: 'also ask the aggregator to delete what it holds for this installation' } },
  async run({ io, backend, values, json: asJson }) {
    const d = await execute(backend, OptOutDocument, { input: { deleteRemoteData: values.remote === true } });
    const s = d.optOutUsageStatistics?.usageSettings;
    if (!s) return;
    if (asJson) return json(io, s);
    line(io, 'Statistics are OFF: nothing more is sent. The events stay on this machine (`printernizer-stats delete` removes them).');
    if (s.remoteDeletion !== 'NOT_REQUESTED')
      line(io, `Deletion at the aggregator: ${remoteDeletionText(s.remoteDeletionRequest, s.remoteDeletion, io.now())}.`);
  },
});
