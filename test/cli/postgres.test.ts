/** The in-process CLI on PostgreSQL: DATABASE_URL=postgresql://… opens it as the server would. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { RecordUsageEventsDocument } from '../../clients/local/__generated__/graphql.js';
import { execute, inProcessBackend } from '../../src/cli/backend.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createTempDatabase } from '../helpers/temp-database.js';
import { cli, parse } from './helpers.js';

const test = suite('printernizer-stats on PostgreSQL');

test('status, enable, events, export and delete', async () => {
  if (!(await testDatabaseKinds()).includes('postgresql')) {
    console.log('PostgreSQL does not answer: skipped');
    return;
  }
  const db = await createTempDatabase('postgresql');
  const env = { DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
  try {
    const backend = await inProcessBackend(env);
    try {
      await execute(backend, RecordUsageEventsDocument, { input: { events: [{ type: 'JOB_CREATED' }, { type: 'FEATURE_ENABLED', feature: 'timelapse' }] } });
    } finally {
      await backend.close();
    }
    assert.is(parse<{ storedEvents: number; enabled: boolean }>(await cli(['status', '--json'], env)).storedEvents, 2);
    assert.is(parse<{ consent: string }>(await cli(['enable', '--json'], env)).consent, 'GRANTED');
    assert.equal(
      parse<{ events: { type: string }[] }>(await cli(['events', '--json'], env)).events.map((e) => e.type),
      ['FEATURE_ENABLED', 'JOB_CREATED'],
    );
    assert.is((JSON.parse((await cli(['export'], env)).stdout) as { events: unknown[] }).events.length, 2);
    const deleted = await cli(['delete', '--yes', '--json'], env);
    assert.is(deleted.code, 0, deleted.stderr);
    assert.is(parse<{ deletedEventCount: number }>(deleted).deletedEventCount, 2);
  } finally {
    await db.drop();
  }
});

test.run();
