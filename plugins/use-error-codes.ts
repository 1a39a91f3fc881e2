import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
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
    onValidate({ params }) {
      return ({ result, setResult }) => {
        if (!result.some((error) => error.extensions?.code === code)) return;
        setResult(result.map((error) => (error.extensions?.code === code ? namingArgument(error, params.documentAST) : error)));
      };
    },
    onExecutionResult({ result, setResult }) {
      if (!result || Symbol.asyncIterator in result || !result.errors?.length) return;
      if (result.errors.every((error) => error.extensions?.code)) return;
      setResult({ ...result, errors: result.errors.map((error) => (error instanceof GraphQLError ? coded(error) : error)) });
    },
  };
}

/**
 * A refused literal (a scalar that would not parse, `date: "2026-02-30"`) named by the argument
 * it was given for, as resolvers' own BAD_USER_INPUT errors are.
 */
function namingArgument(error: GraphQLError, document: DocumentNode): GraphQLError {
  const node = error.nodes?.[0];
  if (!node || error.extensions?.argumentName) return error;
  let argumentName: string | undefined;
  const path: string[] = [];
  // The argument and the input fields down to the value: `input.date`, as resolvers name them.
  visit(document, {
    enter(current: ASTNode) {
      if (current.kind === Kind.ARGUMENT || current.kind === Kind.OBJECT_FIELD) path.push(current.name.value);
      if (current === node && path.length) argumentName = path.join('.');
    },
    leave(current: ASTNode) {
      if (current.kind === Kind.ARGUMENT || current.kind === Kind.OBJECT_FIELD) path.pop();
    },
  });
  if (!argumentName) return error;
  return new GraphQLError(`Argument "${argumentName}": ${error.message}`, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, argumentName },
  });
}
