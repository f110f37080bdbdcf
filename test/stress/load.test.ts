import { test } from 'uvu';

import { runSlice } from './slice.js';

test('stress slice: 20 aggregator clients and 10 local writers for 5 s: only RATE_LIMITED refusals, limits exact, nothing lost', async () => {
  await runSlice({ parts: ['load'], loadClients: 20, loadSeconds: 5, writers: 10, writerSeconds: 5 });
});

test.run();
