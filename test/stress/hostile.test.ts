import { test } from 'uvu';

import { runSlice } from './slice.js';

test('stress slice: 300 hostile requests per service (SQLite): no crash, every error coded, nothing stored from a refusal, nothing sensitive logged', async () => {
  await runSlice({ parts: ['hostile'], hostile: 300, dbs: ['sqlite'] });
});

test.run();
