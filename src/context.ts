import type { EntityManager } from '@mikro-orm/core';

import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { Job } from '../common/scheduler.js';
import type { LocalConfig } from './config.js';
import type { ReportOutbox } from './jobs/report-outbox.js';
import type { PluginRegistry } from './plugins/registry.js';
import type { FleetProvider } from './report/builder.js';
import type { InstallationEnvironment } from './services/installation.js';

/** What a resolver may use: a forked EntityManager per request and the app's named collaborators. */
export interface Context {
  em: EntityManager;
  clock: Clock;
  logger: Logger;
  config: LocalConfig;
  /** The loaded printer plugins and their printer types. */
  plugins: PluginRegistry;
  /** Builds, stores and sends reports; opting out and deleting run through its queue. */
  outbox: ReportOutbox;
  /** What a report says about this machine, detected once at start-up. */
  environment: InstallationEnvironment;
  /** The fleet counts a report carries, from the plugins. */
  fleet: FleetProvider;
  /** The scheduled submission job, for submissionJobHealth. */
  submissionJob: Pick<Job, 'health'>;
}
