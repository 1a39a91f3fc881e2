import { GraphQLError } from 'graphql';

/** A client error about one argument: `extensions.code` and the argument it concerns. */
export function badUserInput(argumentName: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argumentName } });
}
