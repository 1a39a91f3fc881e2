import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Gives a code to the request errors GraphQL itself reports without one — variables that do
 * not coerce (`Int cannot represent non-integer value: Infinity`), an unknown operation
 * name — so every error a client gets names its kind. Errors raised by resolvers keep theirs
 * (Yoga masks unexpected ones as INTERNAL_SERVER_ERROR), and an HTTP status Yoga gave stays.
 */
export function useErrorCodes(code = 'BAD_USER_INPUT'): Plugin {
  const coded = (error: GraphQLError) =>
    // An error with a path is a field's (a resolver's); one without is the request's.
    error.extensions?.code || error.path
      ? error
      : new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
  return {
    onExecutionResult({ result, setResult }) {
      if (!result || Symbol.asyncIterator in result || !result.errors?.length) return;
      if (result.errors.every((error) => error.extensions?.code)) return;
      setResult({ ...result, errors: result.errors.map((error) => (error instanceof GraphQLError ? coded(error) : error)) });
    },
  };
}
