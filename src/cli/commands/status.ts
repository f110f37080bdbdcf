import {
  CliStatusDocument,
  type CliStatusQuery,
  type RemoteDeletionProgressFragment,
  type RemoteDeletionState,
  type SettingsPanelFragment,
} from '../../../clients/local/__generated__/graphql.js';
import { execute } from '../backend.js';
import { defineCommand } from '../command.js';
import { clean, json, line, plural, when } from '../output.js';

/** Why statistics are off, in words, or null when they are on. */
export function offReason(s: SettingsPanelFragment): string | null {
  if (s.blockedBy)
    return `the kill switch ${s.blockedBy}=1 is set in the environment, so nothing is sent whatever the consent (consent: ${s.consent}). Unset it to let the consent decide.`;
  if (s.consent === 'UNDECIDED')
    return 'nobody has decided yet: statistics are opt-in. `printernizer-stats preview` shows what would be sent, `printernizer-stats enable` opts in.';
  if (s.consent === 'DENIED') return 'you opted out. `printernizer-stats enable` opts in again.';
  return null;
}

/** A remote deletion's progress in words: done, or why not yet and when it is tried again. */
export function remoteDeletionText(r: RemoteDeletionProgressFragment | null | undefined, state: RemoteDeletionState, now: Date): string {
  if (state === 'DONE') return `done${r?.doneAt ? ` ${when(r.doneAt, now)}` : ''}`;
  if (!r) return 'requested, not yet confirmed';
  return `requested, not yet confirmed${r.lastError ? ` (${clean(r.lastError)})` : ''}; tried again ${when(r.nextAttemptAt, now)}`;
}

function statusJson(d: CliStatusQuery) {
  const s = d.usageSettings;
  return {
    ...s,
    reason: offReason(s),
    storedEvents: d.usageEvents?.totalCount ?? null,
    storedReports: d.submissions?.totalCount ?? null,
    latestReport: d.submissions?.edges[0]?.node ?? null,
  };
}

export const status = defineCommand({
  name: 'status',
  summary: 'whether statistics are on, why not, and when the next report goes',
  async run({ io, backend, json: asJson }) {
    const d = await execute(backend, CliStatusDocument, {});
    if (asJson) return json(io, statusJson(d));
    const s = d.usageSettings;
    const now = io.now();
    const reason = offReason(s);
    if (reason) {
      line(io, 'Statistics are OFF: nothing is sent.');
      line(io, `  Why: ${reason}`);
    } else {
      line(io, `Statistics are ON: reports go to ${clean(s.endpoint)} every ${s.submissionIntervalDays} days.`);
      line(io, `  Next report:  ${when(s.nextSubmissionAt, now)}`);
      line(io, `  Last report:  ${s.lastSubmissionAt ? when(s.lastSubmissionAt, now) : 'none accepted yet'}`);
      if (s.lastSubmissionError) line(io, `  Last problem: ${clean(s.lastSubmissionError)}`);
      if (s.needsReconsent)
        line(
          io,
          `  The report schema changed (you agreed to version ${s.consentedSchemaVersion}, this is ${s.currentSchemaVersion}): reports leave out the new fields until you run \`printernizer-stats enable\` again.`,
        );
    }
    if (s.installationId) line(io, `  Installation: ${clean(s.installationId)} (country ${s.shareCountry ? 'shared' : 'withheld'})`);
    if (s.remoteDeletion !== 'NOT_REQUESTED') line(io, `  Deletion at the aggregator: ${remoteDeletionText(s.remoteDeletionRequest, s.remoteDeletion, now)}`);
    const latest = d.submissions?.edges[0]?.node;
    line(
      io,
      `  Stored here:  ${plural(d.usageEvents?.totalCount ?? 0, 'event')}, ${plural(d.submissions?.totalCount ?? 0, 'report')}${latest ? ` (latest: ${latest.status})` : ''}`,
    );
  },
});
