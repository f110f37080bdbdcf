/**
 * The fast slice of `npm run stress` inside `npm test`: the same runSuite with small sizes, so CI
 * guards every kind of check. A check that does not hold fails the test with the suite's own
 * line, which names the issue-9 defect it waits for.
 */
import * as assert from 'uvu/assert';

import { failureReport } from '../../stress/lib/check.js';
import { DEFAULTS, type StressParams } from '../../stress/lib/params.js';
import { runSuite } from '../../stress/suite.js';
import { ensureBuilt } from '../helpers/build.js';
import { testDatabaseKinds } from '../helpers/databases.js';

export async function runSlice(p: Partial<StressParams>): Promise<void> {
  // The build lock of the tests, so the suite's own freshness check finds dist/ current.
  await ensureBuilt();
  const dbs = await testDatabaseKinds();
  const result = await runSuite({ ...DEFAULTS, dbs, ...p }, (line) => process.env.VERBOSE && console.log(line));
  assert.ok(result.checks.length > 0, 'the slice ran no checks');
  const report = failureReport(result.checks);
  assert.ok(report === '', `checks that did not hold:\n${report}`);
}
