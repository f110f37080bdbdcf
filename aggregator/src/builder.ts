import SchemaBuilder from '@pothos/core';
import ZodPlugin from '@pothos/plugin-zod';

import { zodArgumentError } from '../../common/errors.js';
import { DateScalar, DateTimeScalar } from '../../common/scalars.js';
import type { AggregatorContext } from './context.js';

/** The aggregator's Pothos builder: plugins and scalars only; types live in schema/. */
export const builder = new SchemaBuilder<{
  Context: AggregatorContext;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
  Scalars: {
    Date: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
  };
}>({
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  plugins: [ZodPlugin],
  zod: { validationError: zodArgumentError },
});

builder.addScalarType('Date', DateScalar);
builder.addScalarType('DateTime', DateTimeScalar);
builder.queryType({
  description:
    'What the aggregator publishes. `statsSummary` and `health` are public; `anomalies` needs the operator key (X-Admin-Key). Nothing here changes stored data.',
});
builder.mutationType({
  description:
    'What installations (and the operator) change. Each mutation takes one `input` argument and returns a payload naming what changed. A refusal is an error with `extensions.code`, never a payload.',
});
