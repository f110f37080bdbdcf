/**
 * What a frontend of the local stats API writes against the generated documents. It is compiled,
 * not run: `tsc -p clients` fails when an operation or the schema changes under it.
 */
import { requestData } from '../request.js';
import {
  AddPrinterDocument,
  DeleteUsageDataDocument,
  ExportUsageDataDocument,
  OptInDocument,
  OptOutDocument,
  PluginsPageDocument,
  PrintersPageDocument,
  RecordUsageEventDocument,
  RecordUsageEventsDocument,
  RemovePrinterDocument,
  ReportPreviewPageDocument,
  ReportSchemaPageDocument,
  SubmissionsLedgerDocument,
  SubmitNowDocument,
  UsageEventsPageDocument,
  UsageSettingsPageDocument,
  UsageStatisticsDashboardDocument,
  type ConsentState,
  type RecordUsageEventInput,
  type RemoteDeletionState,
  type SettingsPanelFragment,
  type SubmissionStatus,
  type UsageEventType,
} from './__generated__/graphql.js';

// A Record over an enum must name every value: a value added to the schema fails here until it has a label.
const CONSENT_LABEL: Record<ConsentState, string> = { UNDECIDED: 'Not decided yet', GRANTED: 'Sharing statistics', DENIED: 'Not sharing' };
const REMOTE_DELETION_LABEL: Record<RemoteDeletionState, string> = {
  NOT_REQUESTED: '',
  QUEUED: 'Deletion at the aggregator requested',
  DONE: 'Deleted at the aggregator',
};
const STATUS_LABEL: Record<SubmissionStatus, string> = { PENDING: 'Waiting to be delivered', SENT: 'Sent', REJECTED: 'Refused', CANCELLED: 'Cancelled' };

export function settingsBanner(s: SettingsPanelFragment): string {
  if (s.blockedBy) return `Off: ${s.blockedBy} is set`;
  if (s.needsReconsent) return `The report gained fields since version ${s.consentedSchemaVersion ?? '?'}: review version ${s.currentSchemaVersion}`;
  const next = s.nextSubmissionAt ? `, next report ${new Date(s.nextSubmissionAt).toLocaleDateString()}` : '';
  return [CONSENT_LABEL[s.consent] + next, REMOTE_DELETION_LABEL[s.remoteDeletion]].filter(Boolean).join('. ');
}

export async function settingsPage(endpoint: string): Promise<string> {
  const { usageSettings } = await requestData(endpoint, UsageSettingsPageDocument, {});
  return settingsBanner(usageSettings);
}

export async function optIn(endpoint: string, shareCountry: boolean): Promise<SettingsPanelFragment | null> {
  const data = await requestData(endpoint, OptInDocument, { input: { shareCountry } });
  return data.optInUsageStatistics?.usageSettings ?? null;
}

export async function optOut(endpoint: string, deleteRemoteData: boolean): Promise<boolean | null> {
  const data = await requestData(endpoint, OptOutDocument, { input: { deleteRemoteData } });
  return data.optOutUsageStatistics ? !data.optOutUsageStatistics.usageSettings.enabled : null;
}

/** The dashboard tiles and a chart series per event type over whole UTC days (`YYYY-MM-DD`). */
export async function statisticsDashboard(endpoint: string, chartFrom: string, chartTo: string) {
  const data = await requestData(endpoint, UsageStatisticsDashboardDocument, { chartFrom, chartTo });
  const stats = data.usageStatistics;
  const series = new Map<UsageEventType, { date: string; count: number }[]>();
  for (const day of data.dailyUsage ?? []) {
    for (const { type, count } of day.counts) series.set(type, [...(series.get(type) ?? []), { date: day.date, count }]);
  }
  return {
    tiles: stats && { jobs: stats.lastSevenDays.jobsFinished, downloads: stats.lastSevenDays.filesDownloaded, uptime: stats.uptimeHours.toFixed(1) },
    series,
  };
}

export async function reportPreview(endpoint: string) {
  const [{ reportPreview }, { reportSchema }] = await Promise.all([
    requestData(endpoint, ReportPreviewPageDocument, {}),
    requestData(endpoint, ReportSchemaPageDocument, {}),
  ]);
  const since = new Map(reportSchema.map((f) => [f.path, f.since]));
  return {
    title: `Report ${reportPreview.reportId} (v${reportPreview.schemaVersion}), ${reportPreview.period.days} days from ${reportPreview.period.start}`,
    printers: reportPreview.fleet.printerTypes.map((p) => `${p.type}/${p.model}: ${p.count}`),
    partialFleet: reportPreview.fleet.partial,
    firstSeenOn: reportPreview.installation.firstSeenOn,
    jobsCompletedSince: since.get('usage.jobsCompleted') ?? 1,
    json: reportPreview.json,
  };
}

/** Every event of a type, newest first, one page at a time. */
export async function* allEvents(endpoint: string, type: UsageEventType | null = null) {
  let after: string | null = null;
  for (;;) {
    const { usageEvents }: Awaited<ReturnType<typeof eventsPage>> = await eventsPage(endpoint, type, after);
    if (!usageEvents) return;
    for (const edge of usageEvents.edges)
      yield { id: edge.node.id, type: edge.node.type, at: new Date(edge.node.occurredAt), reported: edge.node.reportId !== null };
    if (!usageEvents.pageInfo.hasNextPage || !usageEvents.pageInfo.endCursor) return;
    after = usageEvents.pageInfo.endCursor;
  }
}

function eventsPage(endpoint: string, type: UsageEventType | null, after: string | null) {
  return requestData(endpoint, UsageEventsPageDocument, { first: 100, after, type });
}

/** The page before the one that starts at `startCursor`. */
export async function previousEvents(endpoint: string, startCursor: string) {
  const { usageEvents } = await requestData(endpoint, UsageEventsPageDocument, { last: 100, before: startCursor });
  return usageEvents?.pageInfo.hasPreviousPage ?? false;
}

export async function recordJobCompleted(endpoint: string, printerType: string, durationSeconds: number): Promise<string | null> {
  const input: RecordUsageEventInput = { type: 'JOB_COMPLETED', printerType, durationSeconds };
  const data = await requestData(endpoint, RecordUsageEventDocument, { input });
  return data.recordUsageEvent?.event.id ?? null;
}

export async function recordBatch(endpoint: string, events: RecordUsageEventInput[]): Promise<number> {
  const data = await requestData(endpoint, RecordUsageEventsDocument, { input: { events } });
  return data.recordUsageEvents?.recordedCount ?? 0;
}

export async function ledger(endpoint: string) {
  const { submissions } = await requestData(endpoint, SubmissionsLedgerDocument, { first: 20 });
  return (submissions?.edges ?? []).map(({ node }) => ({ id: node.id, status: STATUS_LABEL[node.status], attempts: node.attempts, payload: node.payload }));
}

export async function submitNow(endpoint: string): Promise<SubmissionStatus | null> {
  const data = await requestData(endpoint, SubmitNowDocument, {});
  return data.submitUsageReport?.submission.status ?? null;
}

export async function printersPage(endpoint: string) {
  const [{ printers, printerTypes }, { plugins }] = await Promise.all([
    requestData(endpoint, PrintersPageDocument, {}),
    requestData(endpoint, PluginsPageDocument, {}),
  ]);
  return {
    rows: printers.map((p) => `${p.name}: ${p.type.displayName} ${p.model ?? 'unknown model'}${p.type.available ? '' : ' (plugin missing)'}`),
    choices: printerTypes.filter((t) => t.available).map((t) => ({ id: t.id, label: `${t.vendor} ${t.displayName}`, models: t.models })),
    failedPlugins: plugins.filter((p) => p.state !== 'LOADED').map((p) => `${p.name}: ${p.errorCode ?? ''} ${p.error ?? ''}`),
  };
}

export async function addPrinter(endpoint: string, name: string, type: string, model: string | null) {
  const data = await requestData(endpoint, AddPrinterDocument, { input: { name, type, model } });
  return data.addPrinter?.printer.id ?? null;
}

export async function removePrinter(endpoint: string, printerId: string): Promise<boolean> {
  const data = await requestData(endpoint, RemovePrinterDocument, { input: { printerId } });
  return data.removePrinter?.removedPrinterId != null;
}

export async function exportData(endpoint: string) {
  const { exportUsageData } = await requestData(endpoint, ExportUsageDataDocument, {});
  return { version: exportUsageData.exportVersion, events: exportUsageData.events.length, submissions: exportUsageData.submissions.length };
}

export async function deleteEverything(endpoint: string, deleteRemoteData: boolean) {
  const data = await requestData(endpoint, DeleteUsageDataDocument, { input: { deleteRemoteData } });
  const result = data.deleteUsageData;
  return result && { events: result.deletedEventCount, reports: result.deletedSubmissionCount, remote: REMOTE_DELETION_LABEL[result.remoteDeletion] };
}

// The generated types refuse what the schema refuses; these lines fail to compile if they stop doing so.
export function refusedAtCompileTime(endpoint: string) {
  // @ts-expect-error an event type outside the enum
  void requestData(endpoint, RecordUsageEventDocument, { input: { type: 'PRINT_STARTED' } });
  // @ts-expect-error the input argument is required
  void requestData(endpoint, RecordUsageEventsDocument, {});
  // @ts-expect-error a dashboard day is a Date string, not a number
  void requestData(endpoint, UsageStatisticsDashboardDocument, { chartFrom: 20261101, chartTo: '2026-11-30' });
}
