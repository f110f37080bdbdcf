import SchemaBuilder from '@pothos/core';
import ZodPlugin from '@pothos/plugin-zod';
import { JSONResolver } from 'graphql-scalars';

import { DateScalar, DateTimeScalar } from '../common/scalars.js';
import type { Context } from './context.js';
import { zodArgumentError } from './errors.js';

/** The Pothos builder: plugins and scalars only; every type lives in src/schema/<domain>.ts. */
export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
  Scalars: {
    Date: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  defaultFieldNullability: false,
  plugins: [ZodPlugin],
  zod: { validationError: zodArgumentError },
});

builder.addScalarType('Date', DateScalar);
builder.addScalarType('DateTime', DateTimeScalar);
builder.addScalarType('JSON', JSONResolver);
builder.queryType({ description: 'Everything a client can read. Nothing here changes stored data.' });
builder.mutationType({
  description: 'Everything a client can change. Each mutation takes one `input` argument (where it takes any) and returns a payload holding what changed.',
});
