import { test } from 'uvu';

import { runSlice } from './slice.js';

test('stress slice: 200 hostile requests per service (SQLite): no crash, every error coded, nothing stored from a refusal, nothing sensitive logged', async () => {
  await runSlice({ parts: ['hostile'], hostile: 200, dbs: ['sqlite'] });
});

test.run();
