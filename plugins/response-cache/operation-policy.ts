import {
  getNamedType,
  isCompositeType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { hintOf, narrower, type CacheScope } from './cache-control.ts';

/** How an operation's answer may be cached, derived from every hint its selection touches. */
export interface OperationPolicy {
  scope: CacheScope;
  /** Seconds; the lowest of the hints. */
  maxAge: number;
  /** Seconds; the lowest grace among hints that set one (0 when any hint has none). */
  grace: number;
  /** Named types the answer is made of: `type:<Name>` tags. */
  types: string[];
}

export const NOT_CACHEABLE: OperationPolicy = Object.freeze({ scope: 'NONE', maxAge: 0, grace: 0, types: [] });

/**
 * The operation's policy: lowest maxAge wins, narrowest scope wins. Mutations, subscriptions
 * and introspection are never cached; neither is an operation whose selection carries no hint.
 * `ttlOverride` lets configuration replace a type's declared maxAge.
 */
export function deriveOperationPolicy(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  ttlOverride: (typeName: string) => number | undefined = () => undefined,
): OperationPolicy {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation || operation.operation !== 'query') return NOT_CACHEABLE;

  let scope: CacheScope = 'PUBLIC';
  let maxAge = Number.POSITIVE_INFINITY;
  let grace = Number.POSITIVE_INFINITY;
  let hinted = false;
  let introspection = false;
  const types = new Set<string>();
  const typeInfo = new TypeInfo(schema);

  visit(
    operation,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (node.name.value === '__schema' || node.name.value === '__type') introspection = true;
        const field = typeInfo.getFieldDef();
        if (!field) return;
        const named = getNamedType(field.type);
        const typeHint = isCompositeType(named) ? hintOf(named) : undefined;
        if (isCompositeType(named) && !named.name.startsWith('__')) types.add(named.name);
        for (const hint of [hintOf(field), typeHint]) {
          if (!hint) continue;
          hinted = true;
          if (hint.scope) scope = narrower(scope, hint.scope);
          const age = (hint === typeHint ? ttlOverride(named.name) : undefined) ?? hint.maxAge;
          if (age !== undefined) maxAge = Math.min(maxAge, age);
          grace = Math.min(grace, hint.grace ?? 0);
        }
      },
    }),
  );

  if (introspection || !hinted || (scope as CacheScope) === 'NONE' || !Number.isFinite(maxAge) || maxAge <= 0) return NOT_CACHEABLE;
  return { scope, maxAge, grace: Number.isFinite(grace) ? grace : 0, types: [...types].sort() };
}
