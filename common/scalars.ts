/**
 * Scalars both services print into their schemas, defined once so that a generated client sees
 * the same `Date` and `DateTime` on either side.
 */
import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';

/** A UTC calendar day as `YYYY-MM-DD` (graphql-scalars' LocalDate, printed as `Date`). */
export const DateScalar = new GraphQLScalarType({
  ...LocalDateResolver.toConfig(),
  name: 'Date',
  description: 'A calendar day in UTC as YYYY-MM-DD, e.g. 2026-11-23. It names a whole day, not an instant.',
});

/** An instant, always serialised in UTC (graphql-scalars' DateTime). */
export const DateTimeScalar = DateTimeResolver;
