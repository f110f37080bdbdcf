/**
 * The public dashboard at the aggregator's `/`: statsSummary (current distributions) and dashboard
 * (week-by-week trends), both k-anonymous on the server. Everything is put on screen through
 * pages/shared/dom.ts; the admin panel (admin.ts) lives on the same page behind the admin key.
 */
import {
  DashboardTrendsDocument,
  StatsDashboardDocument,
  type BucketFragment,
  type DashboardTrendsQuery,
} from '../../clients/aggregator/__generated__/graphql.js';
import { el, replace } from '../shared/dom.js';
import { gql } from '../shared/graphql.js';
import { mountAdmin } from './admin.js';
import { barList, integer, legend, numbersTable, percent, timeChart, type Series } from './charts.js';

const WEEKS = 12;
/** Lines drawn at most in one trend chart; the table lists every one. */
const MAX_LINES = 6;

type Trends = NonNullable<DashboardTrendsQuery['dashboard']>;

const byId = (id: string) => document.getElementById(id)!;

function chartSection(id: string, title: string, note: string, ...content: (Node | null)[]): HTMLElement {
  return el(
    'section',
    { id, class: 'card', 'aria-labelledby': `${id}-title` },
    el('h2', { id: `${id}-title` }, title),
    el('p', { class: 'note' }, note),
    ...content,
  );
}

/** A distribution as bars and a table (key, count, share). */
function distribution(id: string, title: string, note: string, [keyName, counted]: [string, string], buckets: readonly BucketFragment[]): HTMLElement {
  return chartSection(
    id,
    title,
    note,
    barList(buckets.map((b) => ({ label: b.key, value: b.count, text: `${integer(b.count)} (${percent(b.share)})` }))),
    numbersTable(
      title,
      [keyName, counted, 'Share'],
      buckets.map((b) => [b.key, integer(b.count), percent(b.share)]),
    ),
  );
}

/** Series per key (version, feature) over the weeks, the most common last week first. */
function trendSeries(weeks: Trends['weeks'], pick: (w: Trends['weeks'][number]) => { key: string; value: number }[]): { names: string[]; series: Series[] } {
  const latest = new Map<string, number>();
  for (const w of weeks) for (const { key, value } of pick(w)) latest.set(key, value);
  const names = [...latest.keys()].sort((a, b) => (a === 'other' ? 1 : b === 'other' ? -1 : (latest.get(b) ?? 0) - (latest.get(a) ?? 0)));
  return {
    names,
    series: names.map((name) => ({ name, values: weeks.map((w) => pick(w).find((p) => p.key === name)?.value ?? null) })),
  };
}

function trendSection(
  id: string,
  title: string,
  note: string,
  weeks: Trends['weeks'],
  pick: (w: Trends['weeks'][number]) => { key: string; value: number }[],
): HTMLElement {
  const labels = weeks.map((w) => w.weekStart);
  const { names, series } = trendSeries(weeks, pick);
  const shown = series.slice(0, MAX_LINES);
  return chartSection(
    id,
    title,
    note,
    names.length
      ? timeChart(title, labels, shown, { kind: 'lines', format: (n) => `${Math.round(n * 100)} %`, max: 1 })
      : el('p', { class: 'empty' }, 'No week reaches the threshold yet.'),
    legend(shown.map((s) => s.name)),
    numbersTable(
      `${title} (share of the week’s installations)`,
      ['Week of', ...names],
      weeks.map((w) => [w.weekStart, ...names.map((n) => (pick(w).find((p) => p.key === n) ? percent(pick(w).find((p) => p.key === n)!.value) : '–'))]),
    ),
  );
}

function render(s: Awaited<ReturnType<typeof loadSummary>>, t: Trends): void {
  const labels = t.weeks.map((w) => w.weekStart);
  const week = (w: Trends['weeks'][number]) => `${w.weekStart}${w.complete ? '' : ' (so far)'}`;
  byId('k-rule').textContent =
    `Every number on this page describes at least ${t.kAnonymity} installation${t.kAnonymity === 1 ? '' : 's'}: smaller groups are folded into “other” or left out, week by week.`;
  byId('updated').textContent = `Figures as of ${new Date(s.generatedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
  replace(
    byId('headline'),
    ...[
      ['Active installations (30 days)', s.activeInstallations ?? 0],
      ['Installations ever', s.installationsEverReported],
      ['Printers (active installations)', s.printersOfActiveInstallations],
      ['Reports accepted', s.reportsAccepted],
    ].map(([label, n]) => el('div', { class: 'stat' }, el('dt', {}, String(label)), el('dd', {}, integer(Number(n))))),
  );
  replace(
    byId('charts'),
    chartSection(
      'chart-active',
      'Active installations per week',
      'Installations with at least one report received in the ISO week (Monday to Sunday, UTC).',
      timeChart('Active installations per week', labels, [{ name: 'installations', values: t.weeks.map((w) => w.activeInstallations) }], {
        kind: 'columns',
        format: (n) => integer(Math.round(n)),
      }),
      numbersTable(
        'Active installations per week',
        ['Week of', 'Installations'],
        t.weeks.map((w) => [week(w), w.activeInstallations === null ? 'fewer than K' : integer(w.activeInstallations)]),
      ),
    ),
    chartSection(
      'chart-growth',
      'Week-over-week growth',
      'Change in active installations against the week before; the running week is compared as it stands.',
      t.weeks.some((w) => w.growth !== null)
        ? timeChart('Week-over-week growth', labels, [{ name: 'growth', values: t.weeks.map((w) => w.growth) }], {
            kind: 'columns',
            format: (n) => `${Math.round(n * 100)} %`,
          })
        : el('p', { class: 'empty' }, 'No two consecutive weeks reach the threshold yet.'),
      numbersTable(
        'Week-over-week growth',
        ['Week of', 'Growth'],
        t.weeks.map((w) => [week(w), w.growth === null ? '–' : `${w.growth > 0 ? '+' : ''}${percent(w.growth)}`]),
      ),
    ),
    distribution('chart-printer-types', 'Printer types', 'Printers of the active installations per printer plugin.', ['Type', 'Printers'], s.printersByType),
    distribution(
      'chart-printer-models',
      'Printer models',
      'Printers of the active installations per type and model.',
      ['Type/model', 'Printers'],
      s.printersByModel,
    ),
    distribution(
      'chart-versions',
      'App versions',
      'Active installations per Printernizer version (latest report).',
      ['Version', 'Installations'],
      s.installationsByAppVersion,
    ),
    trendSection('chart-version-trend', 'Version adoption over time', 'Share of each week’s installations per version.', t.weeks, (w) =>
      w.appVersions.map((b) => ({ key: b.key, value: b.share })),
    ),
    distribution('chart-platforms', 'Platforms', 'Active installations per operating system family.', ['Platform', 'Installations'], s.installationsByPlatform),
    distribution(
      'chart-deployment',
      'Deployment modes',
      'Active installations per way of running Printernizer.',
      ['Mode', 'Installations'],
      s.installationsByDeploymentMode,
    ),
    distribution(
      'chart-countries',
      'Countries',
      'Active installations per country, derived from the time zone (never an address).',
      ['Country', 'Installations'],
      s.installationsByCountry,
    ),
    chartSection(
      'chart-features',
      'Feature adoption',
      'Active installations with each feature enabled.',
      barList(
        s.featureAdoption.map((f) => ({ label: f.feature, value: f.enabledInstallations, text: `${integer(f.enabledInstallations)} (${percent(f.share)})` })),
      ),
      numbersTable(
        'Feature adoption',
        ['Feature', 'Installations', 'Share'],
        s.featureAdoption.map((f) => [f.feature, integer(f.enabledInstallations), percent(f.share)]),
      ),
    ),
    trendSection('chart-feature-trend', 'Feature adoption over time', 'Share of each week’s installations with the feature enabled.', t.weeks, (w) =>
      w.featureAdoption.map((f) => ({ key: f.feature, value: f.share })),
    ),
    chartSection(
      'chart-errors',
      'Error types by component',
      `Errors reported over the last ${t.weeks.length} weeks, by component and type.`,
      barList(t.errorsByComponent.map((e) => ({ label: `${e.component} / ${e.errorType}`, value: e.occurrences, text: integer(e.occurrences) }))),
      numbersTable(
        'Error types by component',
        ['Component', 'Error type', 'Occurrences'],
        t.errorsByComponent.map((e) => [e.component, e.errorType, integer(e.occurrences)]),
      ),
    ),
  );
}

const loadSummary = async () => (await gql(StatsDashboardDocument, { activeDays: 30, weeks: WEEKS })).statsSummary;

async function load(): Promise<void> {
  const status = byId('status');
  try {
    const [summary, trends] = await Promise.all([loadSummary(), gql(DashboardTrendsDocument, { weeks: WEEKS })]);
    if (!trends.dashboard) throw new Error('The dashboard trends are missing.');
    render(summary, trends.dashboard);
    status.textContent = '';
    document.body.dataset.loaded = 'true';
  } catch (err) {
    status.textContent = `The statistics could not be loaded: ${err instanceof Error ? err.message : String(err)}`;
  }
}

mountAdmin(byId('admin'));
void load();
