import { builder } from '../builder.js';
import { checkHealth, type HealthState } from '../health.js';

const Health = builder.objectRef<HealthState>('Health').implement({
  fields: (t) => ({
    status: t.exposeString('status', { description: 'ok or unavailable' }),
    database: t.exposeBoolean('database'),
    redis: t.exposeBoolean('redis', { nullable: true, description: 'Null when no Redis is configured.' }),
  }),
});

builder.queryField('health', (t) => t.field({ type: Health, resolve: (_, __, { services }) => checkHealth(services) }));
