/**
 * The MikroORM CLI's configuration, for both services and both databases:
 *   npx mikro-orm debug                                           local API, its default SQLite file
 *   MIKRO_ORM_SERVICE=aggregator npx mikro-orm migration:list     the aggregator
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/dev npx mikro-orm migration:up
 * `--context aggregator` selects the aggregator too. The services open their databases with the
 * same options (common/db.ts), so what the CLI sees is what runs.
 */
import { resolve } from 'node:path';

import type { Options } from '@mikro-orm/core';

import { entities as aggregatorEntities } from './aggregator/src/entities/index.js';
import { aggregatorMigrations } from './aggregator/src/migrations/index.js';
import { ormConfig, parseDatabaseUrl } from './common/db.js';
import { entities as localEntities } from './src/entities/index.js';
import { localMigrations } from './src/migrations/index.js';

const SERVICES = {
  local: { entities: localEntities, migrations: localMigrations, folder: 'src', defaultUrl: 'sqlite:./data/printernizer-stats.sqlite' },
  aggregator: { entities: aggregatorEntities, migrations: aggregatorMigrations, folder: 'aggregator/src', defaultUrl: 'sqlite:./data/aggregator.sqlite' },
} as const;
type Service = keyof typeof SERVICES;

function serviceOf(contextName: string): Service {
  const name = contextName === 'default' ? (process.env.MIKRO_ORM_SERVICE ?? 'local') : contextName;
  if (name in SERVICES) return name as Service;
  throw new Error(`Unknown service "${name}": MIKRO_ORM_SERVICE (or --context) must be local or aggregator.`);
}

/** The options for one service; DATABASE_URL picks the database (the aggregator also reads AGGREGATOR_DATABASE_URL). */
export function cliConfig(contextName = 'default', env: NodeJS.ProcessEnv = process.env): Options {
  const service = serviceOf(contextName);
  const s = SERVICES[service];
  const url = env.DATABASE_URL ?? (service === 'aggregator' ? env.AGGREGATOR_DATABASE_URL : undefined) ?? s.defaultUrl;
  const kind = parseDatabaseUrl(url).kind;
  const folder = resolve(import.meta.dirname, s.folder, 'migrations', kind);
  return ormConfig({ url, entities: [...s.entities], migrations: s.migrations, migrationsPath: { sqlite: folder, postgresql: folder } });
}

export default (contextName: string) => cliConfig(contextName);
