import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { aggregatorMigrations } from '../../aggregator/src/migrations/index.js';
import { localMigrations } from '../../src/migrations/index.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createTempDatabase } from '../helpers/temp-database.js';

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** The MikroORM CLI as a developer runs it (`npx mikro-orm …`): plain Node, no loader given. */
async function cli(args: string[], env: Record<string, string>): Promise<string> {
  const { NODE_OPTIONS: _loader, ...inherited } = process.env;
  const { stdout, stderr } = await run(join(root, 'node_modules/.bin/mikro-orm'), args, {
    cwd: root,
    env: { ...inherited, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    timeout: 120_000,
  });
  return stdout + stderr;
}

for (const db of await testDatabaseKinds()) {
  const test = suite(`mikro-orm.config.ts with the MikroORM CLI [${db}]`);
  for (const service of ['local', 'aggregator'] as const) {
    test(`${service}: migration:up from an empty database, then migration:check finds the entities and migrations agree`, async () => {
      const database = await createTempDatabase(db);
      try {
        const env = { MIKRO_ORM_SERVICE: service, DATABASE_URL: database.url };
        assert.match(await cli(['migration:up'], env), /Successfully migrated up to the latest version/);
        assert.match(await cli(['migration:check'], env), /No changes required, schema is up-to-date/);
        const listed = await cli(['migration:list'], env);
        const expected = (service === 'local' ? localMigrations : aggregatorMigrations)[db].map((m) => m.name);
        for (const name of expected) assert.ok(listed.includes(name), `migration:list names ${name}, from the service's migration list:\n${listed}`);
      } finally {
        await database.drop();
      }
    });
  }
  test.run();
}
