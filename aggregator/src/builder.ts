import SchemaBuilder from '@pothos/core';
import ZodPlugin from '@pothos/plugin-zod';
import { DateTimeResolver } from 'graphql-scalars';

import { zodArgumentError } from '../../common/errors.js';
import type { AggregatorContext } from './context.js';

/** The aggregator's Pothos builder: plugins and scalars only; types live in schema/. */
export const builder = new SchemaBuilder<{
  Context: AggregatorContext;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
  Scalars: { DateTime: { Input: Date; Output: Date } };
}>({
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  plugins: [ZodPlugin],
  zod: { validationError: zodArgumentError },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.queryType({});
builder.mutationType({});
