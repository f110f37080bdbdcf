import { test } from 'uvu';

import { runSlice } from './slice.js';

test('stress slice: one kill -9 of the local API (SQLite) and one PostgreSQL outage: nothing acknowledged lost or counted twice', async () => {
  await runSlice({ parts: ['kill-local', 'postgres-outage'], kills: 1, outageSeconds: 1 });
});

test.run();
