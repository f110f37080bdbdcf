import type { AggregatorServices } from './services.js';

export interface HealthState {
  status: 'ok' | 'unavailable';
  database: boolean;
  /** Null when no Redis is configured. */
  redis: boolean | null;
}

/** Really asks the database (and Redis, when configured), each within a second. */
export async function checkHealth(s: AggregatorServices): Promise<HealthState> {
  const within = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref())]);
  const database = await within(s.orm.em.fork().getConnection().execute('select 1')).then(
    () => true,
    () => false,
  );
  const redis = s.redis
    ? await within(s.redis.ping()).then(
        (pong) => pong === 'PONG',
        () => false,
      )
    : null;
  return { status: database && redis !== false ? 'ok' : 'unavailable', database, redis };
}
