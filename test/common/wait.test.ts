import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { waitFor, withDeadline } from '../helpers/wait.js';

const test = suite('test helpers: every wait has a deadline and says what it waited for');

test('waitFor returns once the condition holds, checking again between pauses', async () => {
  let checks = 0;
  await waitFor(() => ++checks === 3, { timeoutMs: 10_000, message: 'the third check' });
  assert.is(checks, 3);
});

test('waitFor fails after its deadline, naming what it waited for', async () => {
  const err = await waitFor(() => false, { timeoutMs: 20, message: 'a condition that never holds' }).catch((e: unknown) => e);
  assert.instance(err, Error);
  assert.is((err as Error).message, 'timed out after 20 ms waiting for a condition that never holds');
});

test('withDeadline passes the outcome of a promise that settles in time, value or failure', async () => {
  assert.is(await withDeadline(Promise.resolve(42), { timeoutMs: 10_000, message: 'the answer' }), 42);
  const err = await withDeadline(Promise.reject(new Error('boom')), { timeoutMs: 10_000, message: 'a failure' }).catch((e: unknown) => e);
  assert.is((err as Error).message, 'boom');
});

test('withDeadline fails on a promise that never settles, naming what it waited for', async () => {
  const err = await withDeadline(new Promise(() => {}), { timeoutMs: 20, message: 'a promise that never settles' }).catch((e: unknown) => e);
  assert.is((err as Error).message, 'timed out after 20 ms waiting for a promise that never settles');
});

test('withDeadline leaves no timer behind once the promise has settled', async () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  await withDeadline(Promise.resolve(), { timeoutMs: 60_000, message: 'nothing' });
  assert.is(timers(), before);
});

test.run();
