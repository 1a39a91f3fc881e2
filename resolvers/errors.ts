import { createGraphQLError } from 'graphql-yoga';

/**
 * A client error about one argument: `extensions.code` and the argument it concerns.
 * Made through Yoga so it is Yoga's own GraphQLError class, which error masking lets through.
 */
export function badUserInput(argumentName: string, message: string) {
  return createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argumentName } });
}
