import { GraphQLError, GraphQLScalarType, type GraphQLScalarTypeConfig, type ValueNode } from 'graphql';
import { GraphQLDateTime, GraphQLLocalDate } from 'graphql-scalars';
import { builder } from './builder.ts';

/**
 * A scalar whose refusals are the client's fault and say so: BAD_USER_INPUT with what it
 * expects (use-error-codes adds the argument's name), instead of a validation failure.
 */
function userInputScalar<I, O>(base: GraphQLScalarType<I, O>, config: Partial<GraphQLScalarTypeConfig<I, O>> & { name: string; expected: string }) {
  // A literal's node goes with the error: it locates the value, and names its argument.
  const refuse = <T>(parse: () => T, node?: ValueNode): T => {
    try {
      return parse();
    } catch (err) {
      throw new GraphQLError(`Expected ${config.expected}; ${(err as Error).message}`, { nodes: node, extensions: { code: 'BAD_USER_INPUT' } });
    }
  };
  const { expected: _, ...rest } = config;
  const baseConfig = base.toConfig();
  return new GraphQLScalarType<I, O>({
    ...baseConfig,
    ...rest,
    parseValue: (value) => refuse(() => baseConfig.parseValue!(value)),
    parseLiteral: (node, variables) => refuse(() => baseConfig.parseLiteral!(node, variables), node),
  });
}

/**
 * `Date` is a flight date as airlines write it — the local calendar day at the origin — so
 * it stays a `yyyy-mm-dd` string end to end: turning it into an instant would move flights
 * after local midnight to the wrong day in some zone.
 */
builder.addScalarType(
  'Date',
  userInputScalar(GraphQLLocalDate, {
    name: 'Date',
    expected: 'a calendar date as yyyy-mm-dd, e.g. 2026-11-21',
    description: 'A calendar date, `yyyy-mm-dd`, e.g. `2026-11-21`: for a flight, its local date of departure at the origin.',
  }),
);

builder.addScalarType(
  'DateTime',
  userInputScalar(GraphQLDateTime, {
    name: 'DateTime',
    expected: 'an ISO 8601 date-time with its offset, e.g. 2026-11-21T13:05:00Z',
    description: 'An instant, as an ISO 8601 string in UTC, e.g. `2026-11-21T13:05:00.000Z`.',
  }),
);
