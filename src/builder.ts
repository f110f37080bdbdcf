import SchemaBuilder from '@pothos/core';
import ZodPlugin from '@pothos/plugin-zod';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';

import type { Context } from './context.js';
import { zodArgumentError } from './errors.js';

/** The Pothos builder: plugins and scalars only; every type lives in src/schema/<domain>.ts. */
export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  defaultFieldNullability: false,
  plugins: [ZodPlugin],
  zod: { validationError: zodArgumentError },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSON', JSONResolver);
builder.queryType({});
builder.mutationType({});
