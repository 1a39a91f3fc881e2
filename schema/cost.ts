import { complexityFromQuery } from '@pothos/plugin-complexity';
import { getOperationAST, GraphQLError, Kind, type ExecutionArgs, type GraphQLSchema } from 'graphql';

/**
 * The cost of the operation an execution will run, from the fields' complexity declared in
 * the schema (list multipliers from `first`/`last` or their defaults). Null when it cannot be
 * measured: a missing operation or invalid variables, which execution itself reports.
 */
export function operationCost(schema: GraphQLSchema, { document, operationName, variableValues, contextValue }: ExecutionArgs): number | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  // The measure reads the first operation of a document: give it the chosen one and the fragments.
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  try {
    const measured = complexityFromQuery(
      { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] },
      { schema, ctx: (contextValue ?? {}) as object, variables: (variableValues ?? {}) as Record<string, unknown> },
    );
    return measured.complexity;
  } catch (err) {
    if (err instanceof GraphQLError) return null;
    throw err;
  }
}
