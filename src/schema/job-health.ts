import { MINUTE_MS } from '../../common/clock.js';
import type { JobHealth } from '../../common/scheduler.js';
import { builder } from '../builder.js';
import { DeletionRequest } from '../entities/deletion-request.entity.js';
import { Submission } from '../entities/submission.entity.js';

/** A run this much later than planned, or running this long, counts as stuck (at least STUCK_FLOOR_MS, else one interval). */
const STUCK_FLOOR_MS = 10 * MINUTE_MS;

interface SubmissionJobHealth extends JobHealth {
  now: Date;
  queuedReports: number;
  queuedDeletions: number;
  oldestQueuedReportAt: Date | null;
  lastDeliveryErrorCode: string | null;
}

const JobStateEnum = builder.enumType('JobState', {
  description: 'What a scheduled job is doing.',
  values: {
    NOT_STARTED: { description: 'The app has not started its jobs (yet).' },
    SCHEDULED: { description: 'Waiting for its next run (nextRunAt).' },
    RUNNING: { description: 'A run is under way (since lastRunStartedAt).' },
    STOPPED: { description: 'The app is shutting down: no further runs.' },
  },
});
const JobRunOutcomeEnum = builder.enumType('JobRunOutcome', {
  description: 'How a run of a scheduled job ended.',
  values: {
    SUCCEEDED: { description: 'The run finished. Delivery failures are not run failures: they show in queuedReports and lastDeliveryErrorCode.' },
    FAILED: { description: 'The run stopped on an unexpected error (logged); the next run tries again.' },
  },
});

const HealthRef = builder.objectRef<SubmissionJobHealth>('SubmissionJobHealth').implement({
  description: 'The scheduled submission job (deletions, then pending and due reports) as a panel or a monitor sees it. Times are UTC.',
  fields: (t) => ({
    state: t.expose('state', { type: JobStateEnum, description: 'What the job is doing now.' }),
    runs: t.exposeInt('runs', { description: 'Runs finished since the app started (scheduled or not).' }),
    lastRunStartedAt: t.expose('lastRunStartedAt', { type: 'DateTime', nullable: true, description: 'When the latest run started; null before the first.' }),
    lastRunFinishedAt: t.expose('lastRunFinishedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the latest finished run ended; null before the first.',
    }),
    lastRunOutcome: t.expose('lastRunOutcome', {
      type: JobRunOutcomeEnum,
      nullable: true,
      description: 'How the latest finished run ended; null before the first.',
    }),
    nextRunAt: t.expose('nextRunAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the next scheduled run starts; null while one runs, before start-up and during shutdown.',
    }),
    intervalSeconds: t.int({
      description: 'USAGE_STATS_CHECK_INTERVAL: the wait from the end of one run to the next.',
      resolve: (h) => Math.round(h.intervalMs / 1000),
    }),
    stuck: t.boolean({
      description: `True when the next run is more than one interval (at least ${STUCK_FLOOR_MS / MINUTE_MS} minutes) overdue, or the current run has lasted that long: the job needs a look.`,
      resolve: (h) => {
        const slack = Math.max(h.intervalMs, STUCK_FLOOR_MS);
        const now = h.now.getTime();
        if (h.state === 'SCHEDULED' && h.nextRunAt) return now > h.nextRunAt.getTime() + slack;
        if (h.state === 'RUNNING' && h.lastRunStartedAt) return now > h.lastRunStartedAt.getTime() + slack;
        return false;
      },
    }),
    queuedReports: t.exposeInt('queuedReports', { description: 'Reports built and waiting for delivery (PENDING).' }),
    oldestQueuedReportAt: t.expose('oldestQueuedReportAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the oldest waiting report was built; null when none waits.',
    }),
    queuedDeletions: t.exposeInt('queuedDeletions', { description: 'Remote deletion requests not yet confirmed by the aggregator.' }),
    lastDeliveryErrorCode: t.exposeString('lastDeliveryErrorCode', {
      nullable: true,
      description:
        'Why the oldest waiting report (else deletion) failed its latest attempt: a catalog code or NETWORK_ERROR, TIMEOUT, HTTP_<status>, …; null when nothing waits or nothing failed.',
    }),
  }),
});

builder.queryField('submissionJobHealth', (t) =>
  t.field({
    type: HealthRef,
    description: 'The health of the scheduled submission job: last and next run, outcome, and what waits in the outbox, so a stuck job shows.',
    resolve: async (_, __, { em, clock, submissionJob }) => {
      const [pending, queuedReports] = await em.findAndCount(Submission, { status: 'PENDING' }, { orderBy: [{ createdAt: 'asc' }], limit: 1 });
      const [deletion, queuedDeletions] = await em.findAndCount(DeletionRequest, { status: 'QUEUED' }, { orderBy: { id: 'asc' }, limit: 1 });
      // lastError is "<code>: <words>" (DeliveryError); the code alone is what a monitor matches on.
      const error = pending[0]?.lastError ?? deletion[0]?.lastError ?? null;
      return {
        ...submissionJob.health(),
        now: clock.now(),
        queuedReports,
        queuedDeletions,
        oldestQueuedReportAt: pending[0]?.createdAt ?? null,
        lastDeliveryErrorCode: error === null ? null : (error.split(':')[0] ?? null),
      };
    },
  }),
);
