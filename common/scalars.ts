/**
 * Scalars both services print into their schemas, defined once so that a generated client sees
 * the same `Date` and `DateTime` on either side.
 */
import { GraphQLError, GraphQLScalarType, type GraphQLScalarTypeConfig, type ValueNode } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';

/**
 * Inputs are held to the years 1970 to 9998: every instant this system stores or asks about lies
 * there, and outside it databases disagree (PostgreSQL refuses the year 0, which graphql-scalars
 * accepts), so a value such as 0000-01-01 used to reach SQL and fail as an unexpected error. The
 * upper bound leaves a year of room: a range ending on a day asks for the day after it, and a date
 * past 9999 is written `+010000-…`, which SQL does not read.
 */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 9998;

function yearOf(value: unknown): number {
  if (value instanceof Date) return value.getUTCFullYear();
  return Number(/^([+-]?\d+)-/.exec(String(value))?.[1] ?? Number.NaN);
}

function bounded<T>(config: GraphQLScalarTypeConfig<T, unknown>): GraphQLScalarTypeConfig<T, unknown> {
  const check = (value: T): T => {
    const year = yearOf(value);
    if (!(year >= MIN_YEAR && year <= MAX_YEAR)) throw new GraphQLError(`must be in the years ${MIN_YEAR} to ${MAX_YEAR}`);
    return value;
  };
  return {
    ...config,
    parseValue: (value: unknown) => check(config.parseValue!(value)),
    parseLiteral: (node: ValueNode, variables?: Record<string, unknown> | null) => check(config.parseLiteral!(node, variables)),
  };
}

/** A UTC calendar day as `YYYY-MM-DD` (graphql-scalars' LocalDate, printed as `Date`). */
export const DateScalar = new GraphQLScalarType({
  ...bounded(LocalDateResolver.toConfig()),
  name: 'Date',
  description: `A calendar day in UTC as YYYY-MM-DD, e.g. 2026-11-23. It names a whole day, not an instant. Inputs must lie in the years ${MIN_YEAR} to ${MAX_YEAR}.`,
});

/** An instant, always serialised in UTC (graphql-scalars' DateTime), as input within the years 1970 to 9999. */
export const DateTimeScalar = new GraphQLScalarType({
  ...bounded(DateTimeResolver.toConfig()),
  description: `${DateTimeResolver.description ?? ''} Inputs must lie in the years ${MIN_YEAR} to ${MAX_YEAR}.`.trim(),
});
