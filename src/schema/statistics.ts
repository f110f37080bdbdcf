import { builder } from '../builder.js';
import { usageStatistics, type EventTypeCount } from '../services/statistics.js';
import { UsageEventTypeEnum } from './enums.js';

type Stats = Awaited<ReturnType<typeof usageStatistics>>;

const EventTypeCountRef = builder.objectRef<EventTypeCount>('EventTypeCount').implement({
  fields: (t) => ({ type: t.expose('type', { type: UsageEventTypeEnum }), count: t.exposeInt('count') }),
});

const DailyUsage = builder.objectRef<Stats['daily'][number]>('DailyUsage').implement({
  fields: (t) => ({ date: t.exposeString('date', { description: 'UTC day, YYYY-MM-DD.' }), counts: t.field({ type: [EventTypeCountRef], resolve: (d) => d.counts }) }),
});

const WeekSummary = builder.objectRef<Stats['thisWeek']>('WeekSummary').implement({
  description: 'The last 7 days.',
  fields: (t) => ({
    jobCount: t.exposeInt('jobCount', { description: 'Jobs completed plus jobs failed.' }),
    fileCount: t.exposeInt('fileCount', { description: 'Files downloaded.' }),
    uploadCount: t.exposeInt('uploadCount'),
    errorCount: t.exposeInt('errorCount'),
  }),
});

const LocalUsageStatistics = builder.objectRef<Stats>('LocalUsageStatistics').implement({
  fields: (t) => ({
    totalEvents: t.exposeInt('totalEvents'),
    firstEventAt: t.expose('firstEventAt', { type: 'DateTime', nullable: true }),
    eventCounts: t.field({ type: [EventTypeCountRef], resolve: (s) => s.eventCounts }),
    daily: t.field({ type: [DailyUsage], resolve: (s) => s.daily }),
    thisWeek: t.field({ type: WeekSummary, resolve: (s) => s.thisWeek }),
    uptimeHours: t.exposeFloat('uptimeHours', { description: 'Measured from start, heartbeat and shutdown; never estimated.' }),
  }),
});

builder.queryField('usageStatistics', (t) =>
  t.field({
    type: LocalUsageStatistics,
    description: 'Statistics over [from, to); from defaults to the beginning, to to now.',
    args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    resolve: (_, a, { em, services }) => usageStatistics(em, services.kind, services.clock.now(), a.from, a.to),
  }),
);
