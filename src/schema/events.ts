import { builder } from '../builder.js';
import type { UsageEvent } from '../entities/usage-event.entity.js';
import { listEvents, recordEvents } from '../services/event-store.js';
import { eventMetadata, MAX_EVENTS_PER_CALL } from '../services/events.js';
import type { LocalServices } from '../services/index.js';
import { UsageEventTypeEnum } from './enums.js';

const printerTypeIds = (services: LocalServices) => new Set(services.plugins.types().map((t) => t.id));

export const UsageEventRef = builder.objectRef<UsageEvent>('UsageEvent').implement({
  fields: (t) => ({
    id: t.id({ resolve: (e) => String(e.id) }),
    type: t.expose('type', { type: UsageEventTypeEnum }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    metadata: t.field({ type: 'JSON', description: 'The stored metadata: only the fields that are set.', resolve: (e) => eventMetadata(e) }),
    reportId: t.exposeID('reportId', { nullable: true, description: 'The report this event was counted in; null until a report is built.' }),
  }),
});

const RecordUsageEventInput = builder.inputType('RecordUsageEventInput', {
  description: 'Per event type only some fields are allowed; anything else is BAD_USER_INPUT and nothing is stored.',
  fields: (t) => ({
    type: t.field({ type: UsageEventTypeEnum, required: true }),
    occurredAt: t.field({ type: 'DateTime', description: 'Default: now. At most 5 minutes in the future.' }),
    printerType: t.string({ description: 'A registered printer type id (JOB_*, PRINTER_*, ERROR_OCCURRED).' }),
    durationSeconds: t.int({ description: 'JOB_COMPLETED, JOB_FAILED, JOB_CANCELLED; stored rounded to whole minutes.' }),
    fileSizeBytes: t.float({ description: 'FILE_DOWNLOADED, FILE_UPLOADED; stored rounded to 0.01 MB.' }),
    autoCreated: t.boolean({ description: 'JOB_CREATED.' }),
    errorType: t.string({ description: 'ERROR_OCCURRED (required), a slug.' }),
    component: t.string({ description: 'ERROR_OCCURRED, a slug.' }),
    feature: t.string({ description: 'FEATURE_ENABLED, FEATURE_DISABLED (required), a slug.' }),
  }),
});

const UsageEventEdge = builder
  .objectRef<{ cursor: string; node: UsageEvent }>('UsageEventEdge')
  .implement({ fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: UsageEventRef, resolve: (e) => e.node }) }) });

const PageInfo = builder.objectRef<{ hasNextPage: boolean; endCursor: string | null }>('PageInfo').implement({
  fields: (t) => ({ hasNextPage: t.exposeBoolean('hasNextPage'), endCursor: t.exposeString('endCursor', { nullable: true }) }),
});

type Connection = Awaited<ReturnType<typeof listEvents>>;
const UsageEventConnection = builder.objectRef<Connection>('UsageEventConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [UsageEventEdge], resolve: (c) => c.edges }),
    pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
    totalCount: t.int({ description: 'Events matching the filters, on all pages.', resolve: (c) => c.totalCount() }),
  }),
});

builder.queryField('usageEvents', (t) =>
  t.field({
    type: UsageEventConnection,
    description: 'Recorded events, newest first.',
    args: {
      first: t.arg.int({ defaultValue: 50, validate: { int: true, min: 1, max: 500 } }),
      after: t.arg.string(),
      type: t.arg({ type: UsageEventTypeEnum }),
      from: t.arg({ type: 'DateTime', description: 'Inclusive.' }),
      to: t.arg({ type: 'DateTime', description: 'Exclusive.' }),
    },
    resolve: (_, a, { em }) => listEvents(em, { type: a.type, from: a.from, to: a.to }, a.first ?? 50, a.after),
  }),
);

builder.mutationField('recordUsageEvent', (t) =>
  t.field({
    type: UsageEventRef,
    args: { input: t.arg({ type: RecordUsageEventInput, required: true }) },
    resolve: async (_, { input }, { em, services }) => (await recordEvents(em, services.clock, services.logger, [input], () => 'input', printerTypeIds(services)))[0]!,
  }),
);

builder.mutationField('recordUsageEvents', (t) =>
  t.int({
    description: `All or nothing, at most ${MAX_EVENTS_PER_CALL} per call; returns how many were stored.`,
    args: { inputs: t.arg({ type: [RecordUsageEventInput], required: true }) },
    resolve: async (_, { inputs }, { em, services }) => (await recordEvents(em, services.clock, services.logger, inputs, (i) => `inputs.${i}`, printerTypeIds(services))).length,
  }),
);
