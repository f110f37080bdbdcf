/**
 * Found by the CLI's Ctrl-C during `export`: a download of GET /usage-data/export cancelled while a
 * page was being read logged "usage data export failed" (an enqueue into the closed stream).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { createTestApp, memoryLogger } from '../helpers/app.js';

const test = suite('a cancelled export download');

test('is no error: nothing is logged and the app goes on answering', async () => {
  const { logger, entries } = memoryLogger();
  const t = await createTestApp({ db: 'sqlite', logger });
  try {
    const events = Array.from({ length: 1000 }, () => ({ type: 'FILE_UPLOADED', fileSizeBytes: 1000 }));
    for (let i = 0; i < 3; i++)
      await t.ok('mutation($e: [RecordUsageEventInput!]!) { recordUsageEvents(input: { events: $e }) { recordedCount } }', { e: events });
    const res = await t.app.yoga.fetch('http://test/usage-data/export');
    const reader = res.body!.getReader();
    assert.ok(!(await reader.read()).done);
    await reader.cancel();
    // Let the page read in flight at the cancel finish.
    await t.ok('{ usageEvents(first: 1) { totalCount } }');
    assert.equal(
      entries.filter((e) => e.level >= 50).map((e) => e.msg),
      [],
    );
  } finally {
    await t.close();
  }
});

test.run();
