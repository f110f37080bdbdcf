import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ADMIN_KEY, createTestAggregator, makeReport } from '../../aggregator/test/helpers/aggregator.js';
import { createTestApp } from '../helpers/app.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const all = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
const aggregatorStart = readme.indexOf('## Operating the aggregator');
const offsets = [...readme.matchAll(/```graphql\n/g)].map((m) => m.index);
const blocks = all.filter((_, i) => offsets[i] < aggregatorStart);
const aggregatorBlocks = all.filter((_, i) => offsets[i] > aggregatorStart);

const test = suite('README examples');

test('every graphql block in the README runs without errors, in order', async () => {
  assert.ok(blocks.length >= 5, `found ${blocks.length} blocks`);
  const t = await createTestApp({ db: 'sqlite' });
  try {
    for (const query of blocks) {
      const res = await t.gql(query);
      assert.equal(res.errors, undefined, query);
    }
    const after = await t.ok<{ usageEvents: { totalCount: number } | null; usageSettings: { consent: string } }>(
      `{ usageEvents { totalCount } usageSettings { consent } }`,
    );
    assert.equal(after, { usageEvents: { totalCount: 0 }, usageSettings: { consent: 'DENIED' } }, 'the last block deleted everything and opted out');
  } finally {
    await t.close();
  }
});

test('the aggregator examples run against the aggregator', async () => {
  assert.ok(aggregatorBlocks.length >= 1);
  const t = await createTestAggregator({ db: 'sqlite' });
  try {
    await t.submit(makeReport());
    for (const query of aggregatorBlocks) {
      // As the operator: the section also shows the operator's queries.
      const res = await t.gql(query, undefined, { headers: { 'x-admin-key': ADMIN_KEY } });
      assert.equal(res.errors, undefined, query);
    }
  } finally {
    await t.close();
  }
});

test.run();
