import { getNamedType, isIntrospectionType, type ValidationRule } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * GraphQL's NoSchemaIntrospectionCustomRule, with a code: `__schema` and `__type` are refused
 * while validating, as INTROSPECTION_DISABLED (a validation error: 400 for clients that accept
 * application/graphql-response+json, 200 for application/json), before anything runs. `__typename` stays:
 * clients need it to read unions and normalise answers.
 */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    const type = getNamedType(context.getType());
    if (type && isIntrospectionType(type)) {
      context.reportError(
        createGraphQLError(`Introspection is disabled on this server; the query asks for "${node.name.value}".`, {
          nodes: node,
          extensions: { code: 'INTROSPECTION_DISABLED' },
        }),
      );
      // One error for `__schema { types { … } }`, not one per field inside it.
      return false;
    }
    return undefined;
  },
});

/** Refuses introspection (see noIntrospection). Yoga caches validation per document, so a hot document pays for it once. */
export function useDisableIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(noIntrospection);
    },
  };
}
