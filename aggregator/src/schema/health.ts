import { builder } from '../builder.js';
import { checkHealth, type HealthState } from '../health.js';

// Internal values stay lowercase: GET /ready serves the same state as JSON.
const HealthStatusEnum = builder.enumType('HealthStatus', {
  description: 'Whether this instance can serve requests.',
  values: {
    OK: { value: 'ok', description: 'The database (and Redis, when configured) answered within a second.' },
    UNAVAILABLE: { value: 'unavailable', description: 'The database or the configured Redis did not answer within a second.' },
  } as const,
});

const Health = builder.objectRef<HealthState>('Health').implement({
  description: 'What this instance found when it asked its dependencies, each within a second.',
  fields: (t) => ({
    status: t.expose('status', { type: HealthStatusEnum, description: 'OK only when every configured dependency answered.' }),
    database: t.exposeBoolean('database', { description: 'True when the database answered a query.' }),
    redis: t.exposeBoolean('redis', { nullable: true, description: 'True when Redis answered PING; null when no Redis is configured (AGGREGATOR_REDIS_URL).' }),
  }),
});

builder.queryField('health', (t) =>
  t.field({
    type: Health,
    description: 'Public. The state of this instance’s database and Redis, asked now; GET /ready serves the same as JSON with status 200 or 503.',
    resolve: (_, __, { services }) => checkHealth(services),
  }),
);
