import { createGraphQLError } from 'graphql-yoga';

/**
 * A client error about one argument: `extensions.code` and the argument it concerns.
 * Made through Yoga so it is Yoga's own GraphQLError class, which error masking lets through.
 */
export function badUserInput(argumentName: string, message: string) {
  return createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argumentName } });
}

/**
 * An upstream could not answer and nothing cached or recorded could stand in: a clear error for
 * this field, never a 5xx for the request. The cause stays in the log.
 */
export function upstreamUnavailable(what: string) {
  return createGraphQLError(`${what} is unavailable right now: the upstream did not answer and there is no recorded copy. Try again shortly.`, {
    extensions: { code: 'UPSTREAM_UNAVAILABLE' },
  });
}
