import { UsageEventsPageDocument, type UsageEventType, type UsageEventsPageQuery } from '../../../clients/local/__generated__/graphql.js';
import { execute } from '../backend.js';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { count, json, line, table } from '../output.js';
import { parseSince } from '../since.js';

type EventNode = NonNullable<UsageEventsPageQuery['usageEvents']>['edges'][number]['node'];

const PAGE = 500;

const metadataText = (m: unknown) =>
  m && typeof m === 'object'
    ? Object.entries(m)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ')
    : '';

export const events = defineCommand({
  name: 'events',
  summary: 'the recorded events, newest first',
  options: {
    since: { type: 'string', value: 'when', description: 'only events from then on: 2026-11-28, 2026-11-28T12:00:00Z, or an age such as 30m, 12h, 7d, 2w' },
    type: { type: 'string', value: 'TYPE', description: 'only events of this type, e.g. JOB_COMPLETED' },
    limit: { type: 'string', value: 'n', description: 'at most this many (default 50; 0 for all)' },
  },
  async run({ io, backend, values, json: asJson, signal }) {
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 0) throw CliError.usage(`--limit ${JSON.stringify(values.limit)} is not a whole number of 0 or more`);
    const from = typeof values.since === 'string' ? parseSince(values.since, io.now()) : undefined;
    const type = typeof values.type === 'string' ? (values.type.toUpperCase() as UsageEventType) : undefined;
    const nodes: EventNode[] = [];
    let total = 0;
    let after: string | undefined;
    for (;;) {
      const want = limit === 0 ? PAGE : Math.min(PAGE, limit - nodes.length);
      const d = await execute(backend, UsageEventsPageDocument, { first: want, after, from, type });
      const page = d.usageEvents!;
      total = page.totalCount;
      nodes.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage || (limit !== 0 && nodes.length >= limit) || signal.aborted) break;
      after = page.pageInfo.endCursor ?? undefined;
    }
    if (asJson) return json(io, { totalCount: total, events: nodes });
    if (nodes.length === 0) return line(io, from ? `No events since ${from}.` : 'No events.');
    line(
      io,
      table(
        ['OCCURRED AT', 'TYPE', 'DETAILS', 'IN REPORT'],
        nodes.map((e) => [e.occurredAt, e.type, metadataText(e.metadata) || '-', e.reportId ?? '-']),
      ),
    );
    if (nodes.length < total) line(io, `\n${count(nodes.length)} of ${count(total)} events${from ? ` since ${from}` : ''}; --limit 0 shows all.`);
  },
});
