import { builder } from '../builder.js';
import { UsageEvent } from '../entities/usage-event.entity.js';
import { UserInputError } from '../errors.js';
import { recordEvents } from '../services/event-store.js';
import { eventMetadata, MAX_EVENTS_PER_CALL } from '../services/events.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { connectionArgs, connectionType } from './connection.js';
import { UsageEventTypeEnum } from './enums.js';
import { keysetConnection, type OrderKey } from './pagination.js';

const printerTypeIds = (plugins: PluginRegistry) => new Set(plugins.types().map((t) => t.id));

export const UsageEventRef = builder.objectRef<UsageEvent>('UsageEvent').implement({
  description: 'One recorded usage event, as stored on this machine.',
  fields: (t) => ({
    id: t.id({ description: 'Local id, unique on this installation; never sent.', resolve: (e) => String(e.id) }),
    type: t.expose('type', { type: UsageEventTypeEnum, description: 'What happened.' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it happened (UTC, millisecond precision).' }),
    metadata: t.field({
      type: 'JSON',
      description:
        'The stored metadata, only the keys that are set: printerType, durationMinutes (whole minutes), fileSizeMb (steps of 0.01 MB), autoCreated, errorType, component, feature.',
      resolve: (e) => eventMetadata(e),
    }),
    reportId: t.exposeID('reportId', { nullable: true, description: 'The report (Submission.id) this event was counted in; null until a report counts it.' }),
  }),
});

const RecordUsageEventInput = builder.inputType('RecordUsageEventInput', {
  description: 'One event. Each type accepts only some of the fields below; any other field is BAD_USER_INPUT and nothing is stored.',
  fields: (t) => ({
    type: t.field({ type: UsageEventTypeEnum, required: true, description: 'What happened.' }),
    occurredAt: t.field({ type: 'DateTime', description: 'When it happened; null means now. At most 5 minutes in the future, not before 2000-01-01.' }),
    printerType: t.id({ description: 'A registered PrinterType.id. For JOB_*, PRINTER_* and ERROR_OCCURRED.' }),
    durationSeconds: t.int({
      description: 'How long the job ran, in seconds (at most 90 days); stored rounded to whole minutes. For JOB_COMPLETED, JOB_FAILED, JOB_CANCELLED.',
    }),
    fileSizeBytes: t.float({ description: 'File size in bytes; stored rounded to 0.01 MB. For FILE_DOWNLOADED, FILE_UPLOADED.' }),
    autoCreated: t.boolean({ description: 'True when Printernizer created the job itself. For JOB_CREATED.' }),
    errorType: t.string({ description: 'A slug naming the kind of error. Required for ERROR_OCCURRED, refused otherwise.' }),
    component: t.string({ description: 'A slug naming where the error arose. For ERROR_OCCURRED.' }),
    feature: t.string({ description: 'A slug naming the feature. Required for FEATURE_ENABLED and FEATURE_DISABLED, refused otherwise.' }),
  }),
});

const RecordUsageEventsInput = builder.inputType('RecordUsageEventsInput', {
  description: `A batch of events, stored all or nothing.`,
  fields: (t) => ({
    events: t.field({ type: [RecordUsageEventInput], required: true, description: `At most ${MAX_EVENTS_PER_CALL} events.` }),
  }),
});

const RecordUsageEventPayload = builder.objectRef<{ event: UsageEvent }>('RecordUsageEventPayload').implement({
  description: 'The result of recordUsageEvent.',
  fields: (t) => ({ event: t.field({ type: UsageEventRef, description: 'The stored event.', resolve: (p) => p.event }) }),
});

const RecordUsageEventsPayload = builder.objectRef<{ events: UsageEvent[] }>('RecordUsageEventsPayload').implement({
  description: 'The result of recordUsageEvents.',
  fields: (t) => ({
    events: t.field({ type: [UsageEventRef], description: 'The stored events, in the order given.', resolve: (p) => p.events }),
    recordedCount: t.int({ description: 'How many events were stored: all of those given.', resolve: (p) => p.events.length }),
  }),
});

const UsageEventConnection = connectionType('UsageEvent', UsageEventRef, 'usage events');

/** Newest first; the id breaks ties between events of the same instant. */
const EVENT_ORDER: OrderKey<UsageEvent>[] = [
  { field: 'occurredAt', direction: 'desc', kind: 'date' },
  { field: 'id', direction: 'desc', kind: 'int' },
];

builder.queryField('usageEvents', (t) =>
  t.field({
    type: UsageEventConnection,
    nullable: true,
    description: 'Recorded events, newest first, a page at a time. Null (with a BAD_USER_INPUT error) when an argument is refused; other fields still answer.',
    args: {
      ...connectionArgs(t.arg, 'events', 50),
      type: t.arg({ type: UsageEventTypeEnum, description: 'Only events of this type; null means every type.' }),
      from: t.arg({ type: 'DateTime', description: 'Only events that occurred at or after this instant; null means from the first.' }),
      to: t.arg({ type: 'DateTime', description: 'Only events that occurred before this instant; null means up to the last.' }),
    },
    resolve: (_, a, { em }) => {
      const occurredAt = { ...(a.from ? { $gte: a.from } : {}), ...(a.to ? { $lt: a.to } : {}) };
      const where = { ...(a.type ? { type: a.type } : {}), ...(a.from || a.to ? { occurredAt } : {}) };
      return keysetConnection(em, UsageEvent, where, EVENT_ORDER, a, 50);
    },
  }),
);

builder.mutationField('recordUsageEvent', (t) =>
  t.field({
    type: RecordUsageEventPayload,
    nullable: true,
    description: 'Records one event. Refused with BAD_USER_INPUT (naming the field) or SERVICE_UNAVAILABLE; then nothing is stored and the payload is null.',
    args: { input: t.arg({ type: RecordUsageEventInput, required: true, description: 'The event.' }) },
    resolve: async (_, { input }, { em, clock, logger, plugins }) => {
      const [event] = await recordEvents(em, clock, logger, [input], () => 'input', printerTypeIds(plugins));
      return { event: event };
    },
  }),
);

builder.mutationField('recordUsageEvents', (t) =>
  t.field({
    type: RecordUsageEventsPayload,
    nullable: true,
    description: `Records up to ${MAX_EVENTS_PER_CALL} events in one transaction: all or nothing. A refusal names the first bad field, e.g. input.events.7.durationSeconds; then nothing is stored and the payload is null.`,
    args: { input: t.arg({ type: RecordUsageEventsInput, required: true, description: 'The events.' }) },
    resolve: async (_, { input }, { em, clock, logger, plugins }) => {
      if (input.events.length > MAX_EVENTS_PER_CALL)
        throw UserInputError.field('input.events', `at most ${MAX_EVENTS_PER_CALL} events per call (got ${input.events.length})`);
      return { events: await recordEvents(em, clock, logger, input.events, (i) => `input.events.${i}`, printerTypeIds(plugins)) };
    },
  }),
);
