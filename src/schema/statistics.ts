import { DAY_MS, isoDay } from '../../common/clock.js';
import { builder } from '../builder.js';
import { UserInputError } from '../errors.js';
import { usageStatistics, type EventTypeCount } from '../services/statistics.js';
import { UsageEventTypeEnum } from './enums.js';

type Stats = Awaited<ReturnType<typeof usageStatistics>>;
type Day = Stats['daily'][number];

const MAX_DAYS = 366;

const EventTypeCountRef = builder.objectRef<EventTypeCount>('EventTypeCount').implement({
  description: 'How many events of one type.',
  fields: (t) => ({
    type: t.expose('type', { type: UsageEventTypeEnum, description: 'The event type.' }),
    count: t.exposeInt('count', { description: 'How many events of this type; at least 1 (types without events are left out).' }),
  }),
});

const DailyUsageRef = builder.objectRef<Day>('DailyUsage').implement({
  description: 'The events of one UTC day.',
  fields: (t) => ({
    date: t.expose('date', { type: 'Date', description: 'The UTC day, from 00:00 UTC up to the next midnight.' }),
    counts: t.field({
      type: [EventTypeCountRef],
      description: 'Counts per event type, sorted by type; empty on a day without events.',
      resolve: (d) => d.counts,
    }),
  }),
});

const LastSevenDaysRef = builder.objectRef<Stats['thisWeek']>('LastSevenDays').implement({
  description: 'Counts over the 7 × 24 hours up to now (a rolling window, not a calendar week), whatever from and to say.',
  fields: (t) => ({
    jobsFinished: t.exposeInt('jobCount', { description: 'JOB_COMPLETED plus JOB_FAILED events (cancelled jobs are not counted).' }),
    filesDownloaded: t.exposeInt('fileCount', { description: 'FILE_DOWNLOADED events.' }),
    filesUploaded: t.exposeInt('uploadCount', { description: 'FILE_UPLOADED events.' }),
    errorsOccurred: t.exposeInt('errorCount', { description: 'ERROR_OCCURRED events.' }),
  }),
});

const LocalUsageStatisticsRef = builder.objectRef<Stats>('LocalUsageStatistics').implement({
  description: 'Statistics over the events stored on this machine, over [from, to) of usageStatistics.',
  fields: (t) => ({
    totalEvents: t.exposeInt('totalEvents', { description: 'Events of every type in [from, to).' }),
    firstEventAt: t.expose('firstEventAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the earliest stored event occurred, whatever from and to say; null when none is stored.',
    }),
    eventCounts: t.field({
      type: [EventTypeCountRef],
      description: 'Counts per event type in [from, to), sorted by type; types without events are left out.',
      resolve: (s) => s.eventCounts,
    }),
    daily: t.field({
      type: [DailyUsageRef],
      description: 'Counts per UTC day in [from, to), oldest first; days without events are left out (see dailyUsage).',
      resolve: (s) => s.daily,
    }),
    lastSevenDays: t.field({ type: LastSevenDaysRef, description: 'The rolling last 7 days.', resolve: (s) => s.thisWeek }),
    uptimeHours: t.exposeFloat('uptimeHours', {
      description: 'Hours the server ran in [from, to), to 0.01 h, measured from start, heartbeat and shutdown; never estimated.',
    }),
  }),
});

builder.queryField('usageStatistics', (t) =>
  t.field({
    type: LocalUsageStatisticsRef,
    nullable: true,
    description: 'Statistics over [from, to). Null (with BAD_USER_INPUT naming from) when from is not before to; other fields still answer.',
    args: {
      from: t.arg({ type: 'DateTime', description: 'Inclusive; null means from the first event.' }),
      to: t.arg({ type: 'DateTime', description: 'Exclusive; null means now.' }),
    },
    resolve: (_, a, ctx) => usageStatistics(ctx, a.from, a.to),
  }),
);

/** Every day of [from, to], oldest first, with the days that have no events as empty counts. */
export async function dailyUsage(stats: (from: Date, to: Date) => Promise<Stats>, from: string, to: string): Promise<Day[]> {
  const start = Date.parse(from);
  const end = Date.parse(to) + DAY_MS;
  if (start >= end) throw UserInputError.field('from', 'must not be after to');
  if (end - start > MAX_DAYS * DAY_MS) throw UserInputError.field('to', `at most ${MAX_DAYS} days after from`);
  const counted = new Map((await stats(new Date(start), new Date(end))).daily.map((d) => [d.date, d.counts]));
  const days: Day[] = [];
  for (let at = start; at < end; at += DAY_MS) days.push({ date: isoDay(new Date(at)), counts: counted.get(isoDay(new Date(at))) ?? [] });
  return days;
}

builder.queryField('dailyUsage', (t) =>
  t.field({
    type: [DailyUsageRef],
    nullable: true,
    description: `Counts per UTC day for every day from \`from\` to \`to\`, both included, oldest first; a day without events has empty counts (ready for a chart). At most ${MAX_DAYS} days. Null (with BAD_USER_INPUT) when the range is refused.`,
    args: {
      from: t.arg({ type: 'Date', required: true, description: 'The first UTC day.' }),
      to: t.arg({ type: 'Date', required: true, description: 'The last UTC day, included.' }),
    },
    resolve: (_, a, ctx) => dailyUsage((from, to) => usageStatistics(ctx, from, to), a.from, a.to),
  }),
);
