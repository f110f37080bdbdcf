import { GraphQLError } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { useErrorCodes } from '../../common/error-codes-plugin.js';
import { codedError } from '../../common/errors.js';
import { loggedMaskedErrors } from '../../common/server-kit.js';
import { memoryLogger } from '../helpers/app.js';

/** The shared error plumbing of both services, on a schema whose resolvers fail in every way there is. */
function server() {
  const { logger, entries } = memoryLogger();
  const schema = createSchema({
    typeDefs: 'type Query { plainError: String, nullForNonNull: String!, uncoded: String, refused: String, fine: String }',
    resolvers: {
      Query: {
        plainError: () => {
          throw new Error('connection to db-7.internal:5432 lost');
        },
        nullForNonNull: () => null,
        uncoded: () => {
          throw new GraphQLError('pool of db-7.internal exhausted');
        },
        refused: () => {
          throw codedError('FORBIDDEN', 'Not for you.');
        },
        fine: () => 'yes',
      },
    },
  });
  const yoga = createYoga({ schema, logging: false, maskedErrors: loggedMaskedErrors(logger), plugins: [useErrorCodes()] });
  const ask = async (query: string) => {
    const res = await yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
    });
    const text = await res.text();
    return {
      status: res.status,
      text,
      body: JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] },
    };
  };
  return { ask, entries };
}

test('a resolver throwing a plain Error answers 500 INTERNAL_SERVER_ERROR with the masked message, and the cause is logged', async () => {
  const { ask, entries } = server();
  const res = await ask('{ plainError }');
  assert.is(res.status, 500);
  assert.equal(
    res.body.errors?.map((e) => [e.message, e.extensions?.code]),
    [['Unexpected error.', 'INTERNAL_SERVER_ERROR']],
  );
  assert.not.match(res.text, /db-7/, 'the cause does not reach the client');
  const logged = entries.find((e) => e.msg === 'unexpected error in a GraphQL request');
  assert.match(String((logged?.err as { message?: string } | undefined)?.message), /db-7\.internal/, 'the cause is in the log');
});

test('a GraphQLError without a code raised at a field, and a null for a non-null field, are masked and logged the same way', async () => {
  const { ask, entries } = server();
  for (const field of ['uncoded', 'nullForNonNull']) {
    const res = await ask(`{ ${field} }`);
    assert.is(res.status, 500, field);
    assert.equal(
      res.body.errors?.map((e) => [e.message, e.extensions?.code]),
      [['Unexpected error.', 'INTERNAL_SERVER_ERROR']],
      field,
    );
    assert.not.match(res.text, /db-7/, `${field}: the cause does not reach the client`);
  }
  const logged = entries.filter((e) => e.msg === 'unexpected error in a GraphQL request').map((e) => (e.err as { message: string }).message);
  assert.equal(logged, ['pool of db-7.internal exhausted', 'Cannot return null for non-nullable field Query.nullForNonNull.']);
});

test("a coded refusal keeps its message and the code's status; when every root field fails the answer takes the highest status; a partial answer is 200", async () => {
  const { ask } = server();
  const refused = await ask('{ refused }');
  assert.is(refused.status, 403);
  assert.equal(
    refused.body.errors?.map((e) => [e.message, e.extensions?.code]),
    [['Not for you.', 'FORBIDDEN']],
  );
  const failed = await ask('{ refused plainError }');
  assert.is(failed.status, 500, 'no root field answered: the highest status of the errors');
  assert.equal(failed.body.data, { refused: null, plainError: null });
  const mixed = await ask('{ fine refused plainError }');
  assert.is(mixed.status, 200, 'a root field answered: a partial answer is a success over HTTP');
  assert.equal(mixed.body.data, { fine: 'yes', refused: null, plainError: null });
  assert.equal(mixed.body.errors?.map((e) => e.extensions?.code).sort(), ['FORBIDDEN', 'INTERNAL_SERVER_ERROR'], 'the codes are still in the body');
});

test.run();
