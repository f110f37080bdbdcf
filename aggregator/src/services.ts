import type { MikroORM } from '@mikro-orm/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

import type { Clock } from '../../common/clock.js';
import type { DatabaseKind } from '../../common/db.js';
import type { AggregatorConfig } from './config.js';
import type { Metrics } from './metrics.js';
import type { RateLimiter } from './rate-limit.js';
import type { SummaryStore } from './summary-store.js';

export interface AggregatorServices {
  config: AggregatorConfig;
  clock: Clock;
  logger: Logger;
  orm: MikroORM;
  kind: DatabaseKind;
  redis: Redis | null;
  limiter: RateLimiter;
  metrics: Metrics;
  summary: SummaryStore;
}
