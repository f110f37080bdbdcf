import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { openDatabase } from '../../common/db.js';
import { entities } from '../../src/entities/index.js';
import { localMigrations } from '../../src/migrations/index.js';
import { entities as aggregatorEntities } from '../../aggregator/src/entities/index.js';
import { aggregatorMigrations } from '../../aggregator/src/migrations/index.js';
import { SCHEMA_FILES, sdl } from '../../scripts/print-schema.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createTempDatabase } from '../helpers/temp-database.js';

const root = join(import.meta.dirname, '..', '..');

const sdlSuite = suite('printed schemas');
for (const { file, load } of SCHEMA_FILES) {
  sdlSuite(`${file} is up to date (run npm run schema)`, async () => {
    const committed = readFileSync(join(root, file), 'utf8');
    assert.fixture(sdl(await load()), committed);
  });
}
sdlSuite('the contract operations and fields exist', async () => {
  const printed = readFileSync(join(root, 'schema.graphql'), 'utf8');
  for (const name of [
    'usageSettings',
    'usageStatistics',
    'usageEvents',
    'reportPreview',
    'reportSchema',
    'submissions',
    'recordUsageEvent',
    'recordUsageEvents',
    'optInUsageStatistics',
    'optOutUsageStatistics',
    'exportUsageData',
    'deleteUsageData',
    'needsReconsent',
    'blockedBy',
    'totalCount',
    'uptimeHours',
  ]) {
    assert.ok(new RegExp(`\\b${name}\\b`).test(printed), name);
  }
});
sdlSuite.run();

const services = [
  { name: 'local API', entities, migrations: localMigrations },
  { name: 'aggregator', entities: aggregatorEntities, migrations: aggregatorMigrations },
];

for (const kind of await testDatabaseKinds()) {
  const test = suite(`migrations [${kind}]`);
  for (const service of services)
    test(`${service.name}: migrations from an empty database match the entities exactly`, async () => {
      const { entities, migrations } = service;
      const db = await createTempDatabase(kind);
      try {
        const orm = await openDatabase({ url: db.url, entities, migrations });
        const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
        await orm.close(true);
        assert.is(diff.trim(), '', 'a change to an entity needs a migration: npm run migration:create');
        // Starting again on a migrated database applies nothing.
        const again = await openDatabase({ url: db.url, entities, migrations });
        assert.equal(await again.getMigrator().getPendingMigrations(), []);
        await again.close(true);
      } finally {
        await db.drop();
      }
    });
  if (kind === 'postgresql') {
    test('instances starting together on one PostgreSQL database migrate it once', async () => {
      const db = await createTempDatabase(kind);
      try {
        const orms = await Promise.all(
          Array.from({ length: 4 }, () => openDatabase({ url: db.url, entities: aggregatorEntities, migrations: aggregatorMigrations })),
        );
        // PostgreSQL answers count(*) as a bigint string.
        const [row] = (await orms[0].em.fork().getConnection().execute('select count(*) as n from mikro_orm_migrations')) as { n: string | number }[];
        assert.is(Number(row.n), aggregatorMigrations.postgresql.length);
        await Promise.all(orms.map((o) => o.close(true)));
      } finally {
        await db.drop();
      }
    });
  }
  test.run();
}
