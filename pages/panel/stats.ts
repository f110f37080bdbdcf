/** Local statistics: tiles, events per day by kind, jobs this week, uptime per day. */
import { PanelStatisticsDocument, type PanelStatisticsQuery, type UsageEventType } from '../../clients/local/__generated__/graphql.js';
import { el, replace } from '../shared/dom.js';
import { gql } from '../shared/graphql.js';
import { barChart } from './charts.js';
import { instant, utcDay } from './format.js';

const KINDS: { name: string; className: string; types: UsageEventType[] }[] = [
  { name: 'jobs', className: 'c-jobs', types: ['JOB_CREATED', 'JOB_COMPLETED', 'JOB_FAILED', 'JOB_CANCELLED'] },
  { name: 'files', className: 'c-files', types: ['FILE_DOWNLOADED', 'FILE_UPLOADED'] },
  { name: 'printers', className: 'c-printers', types: ['PRINTER_CONNECTED', 'PRINTER_DISCONNECTED'] },
  { name: 'errors', className: 'c-errors', types: ['ERROR_OCCURRED'] },
  { name: 'app and features', className: 'c-app', types: ['APP_START', 'APP_SHUTDOWN', 'FEATURE_ENABLED', 'FEATURE_DISABLED'] },
];

const JOBS: { name: string; className: string; type: UsageEventType }[] = [
  { name: 'completed', className: 'c-ok', type: 'JOB_COMPLETED' },
  { name: 'failed', className: 'c-errors', type: 'JOB_FAILED' },
  { name: 'cancelled', className: 'c-app', type: 'JOB_CANCELLED' },
];

const short = (isoDay: string) => isoDay.slice(5).replace('-', '/');

/** The variables of PanelStatistics for `now`: 14 days of events, 7 days of uptime. */
export function statisticsVariables(now: Date) {
  const midnight = (offset: number) => `${utcDay(now, offset)}T00:00:00.000Z`;
  return {
    chartFrom: utcDay(now, -13),
    chartTo: utcDay(now),
    d0: midnight(-6),
    d1: midnight(-5),
    d2: midnight(-4),
    d3: midnight(-3),
    d4: midnight(-2),
    d5: midnight(-1),
    d6: midnight(0),
    d7: midnight(1),
  };
}

function tile(value: string, label: string): HTMLElement {
  return el('div', { class: 'tile' }, el('span', { class: 'tile-value' }, value), el('span', { class: 'tile-label' }, label));
}

export function renderStatistics(body: HTMLElement, d: PanelStatisticsQuery): void {
  const days = d.dailyUsage ?? [];
  const countOf = (i: number, types: UsageEventType[]) => (days[i]?.counts ?? []).filter((c) => types.includes(c.type)).reduce((n, c) => n + c.count, 0);
  const labels = days.map((x) => short(x.date));
  const week = days.slice(-7);
  const uptime = [d.u0, d.u1, d.u2, d.u3, d.u4, d.u5, d.u6].map((u) => Math.round((u?.uptimeHours ?? 0) * 10) / 10);
  const s = d.usageStatistics;
  replace(
    body,
    el(
      'div',
      { class: 'tiles' },
      tile(s?.totalEvents.toLocaleString() ?? '0', 'events stored'),
      tile(String(s?.lastSevenDays.jobsFinished ?? 0), 'jobs finished, last 7 days'),
      tile(String((s?.lastSevenDays.filesUploaded ?? 0) + (s?.lastSevenDays.filesDownloaded ?? 0)), 'files moved, last 7 days'),
      tile(String(s?.lastSevenDays.errorsOccurred ?? 0), 'errors, last 7 days'),
      tile(`${(s?.uptimeHours ?? 0) < 10 ? (s?.uptimeHours ?? 0).toFixed(1) : Math.round(s?.uptimeHours ?? 0)} h`, 'running time measured'),
    ),
    s?.firstEventAt ? el('p', { class: 'muted' }, 'Oldest stored event: ', instant(s.firstEventAt), '.') : null,
    el(
      'div',
      { class: 'charts' },
      barChart({
        id: 'chart-events',
        title: 'Events per day, last 14 days',
        description: 'Stacked bars: events of each kind per UTC day.',
        labels,
        series: KINDS.map((k) => ({ name: k.name, className: k.className, values: days.map((_, i) => countOf(i, k.types)) })),
        stacked: true,
        unit: 'UTC days',
      }),
      barChart({
        id: 'chart-jobs',
        title: 'Jobs this week',
        description: 'Jobs completed, failed and cancelled per UTC day over the last 7 days.',
        labels: week.map((x) => short(x.date)),
        series: JOBS.map((j) => ({ name: j.name, className: j.className, values: week.map((_, i) => countOf(days.length - week.length + i, [j.type])) })),
        stacked: false,
      }),
      barChart({
        id: 'chart-uptime',
        title: 'Uptime per day, last 7 days',
        description: 'Hours the server ran on each UTC day, out of 24, measured from start, heartbeat and shutdown.',
        labels: week.map((x) => short(x.date)),
        series: [{ name: 'hours running', className: 'c-uptime', values: uptime }],
        stacked: true,
        max: 24,
        unit: 'hours',
      }),
    ),
  );
}

export async function loadStatistics(): Promise<PanelStatisticsQuery> {
  return gql(PanelStatisticsDocument, statisticsVariables(new Date()));
}
