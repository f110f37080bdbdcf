import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';

import type { Clock } from '../../common/clock.js';
import type { LocalConfig } from '../config.js';
import type { DatabaseKind } from '../../common/db.js';
import type { SubmissionJob } from '../jobs/submission.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { FleetProvider } from '../report/builder.js';
import type { InstallationEnvironment } from './installation.js';

/** What resolvers and jobs share: built once by createApp. */
export interface LocalServices {
  config: LocalConfig;
  clock: Clock;
  logger: Logger;
  orm: MikroORM;
  kind: DatabaseKind;
  environment: InstallationEnvironment;
  plugins: PluginRegistry;
  fleet: FleetProvider;
  submissions: SubmissionJob;
}
