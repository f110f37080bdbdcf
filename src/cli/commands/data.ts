import { createInterface } from 'node:readline/promises';

import { CliEventCountDocument, DeleteUsageDataDocument } from '../../../clients/local/__generated__/graphql.js';
import { execute } from '../backend.js';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { exportTo } from '../export-stream.js';
import { bytes, count, json, line, type Io } from '../output.js';
import { remoteDeletionText } from './status.js';

export const exportData = defineCommand({
  name: 'export',
  args: '[file]',
  maxArgs: 1,
  summary: 'everything stored here as one JSON document, to a file or stdout',
  details:
    'Streams GET /usage-data/export page by page, so a history of millions of events never sits in memory; on a terminal, progress goes to stderr. The file appears only once complete. Without a file (or with -), the JSON goes to stdout.',
  async run({ io, backend, args, json: asJson, signal }) {
    const file = args[0] && args[0] !== '-' ? args[0] : null;
    const total = io.stderr.isTTY ? ((await execute(backend, CliEventCountDocument, {})).usageEvents?.totalCount ?? null) : null;
    const result = await exportTo(backend, io, file, total, signal);
    if (!file) return;
    if (asJson) return json(io, result);
    line(io, `Exported ${count(result.events)} events (${bytes(result.bytes)}) to ${file}.`);
  },
});

async function confirm(io: Io, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

export const deleteData = defineCommand({
  name: 'delete',
  summary: 'delete every event and report stored here and reset the identity',
  details:
    'Consent goes back to undecided and a new opt-in gets a new installation id. Asks for confirmation on a terminal; elsewhere --yes is required. Export first if you want a copy.',
  options: {
    remote: { type: 'boolean', description: 'also delete what the aggregator holds for this installation' },
    yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' },
  },
  async run({ io, backend, values, json: asJson }) {
    const remote = values.remote === true;
    if (values.yes !== true) {
      if (!io.stdin.isTTY || !io.stderr.isTTY) throw CliError.usage('delete removes everything stored here: confirm with --yes');
      const events = (await execute(backend, CliEventCountDocument, {})).usageEvents?.totalCount ?? 0;
      const what = `Delete ${count(events)} events and every report stored here${remote ? ', and ask the aggregator to delete its copy' : ''}?`;
      if (!(await confirm(io, what))) throw new CliError('nothing deleted', 1, 'DECLINED');
    }
    const d = await execute(backend, DeleteUsageDataDocument, { input: { deleteRemoteData: remote } });
    const r = d.deleteUsageData;
    if (!r) return;
    if (asJson) return json(io, r);
    line(io, `Deleted ${count(r.deletedEventCount)} events and ${count(r.deletedSubmissionCount)} reports. Statistics are off until you opt in again.`);
    if (r.remoteDeletion !== 'NOT_REQUESTED')
      line(io, `Deletion at the aggregator: ${remoteDeletionText(r.remoteDeletionRequest, r.remoteDeletion, io.now())}.`);
  },
});
