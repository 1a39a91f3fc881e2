import {
  DirectiveLocation,
  getDirectiveValues,
  type DirectiveNode,
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLInt,
  type GraphQLField,
  type GraphQLNamedType,
} from 'graphql';

/**
 * Who may share a cached answer, from widest to narrowest:
 * PUBLIC — everyone, signed in or not; AUTHENTICATED — every signed-in caller;
 * PARTNER — callers of the same kind (partner pricing); PRIVATE — one caller;
 * NONE — never cached.
 */
export const SCOPES = ['PUBLIC', 'AUTHENTICATED', 'PARTNER', 'PRIVATE', 'NONE'] as const;
export type CacheScope = (typeof SCOPES)[number];

export interface CacheHint {
  /** Seconds. */
  maxAge?: number;
  scope?: CacheScope;
  /** Seconds a stale answer may still be served while it is refreshed. */
  grace?: number;
}

export const cacheControlDirective = new GraphQLDirective({
  name: 'cacheControl',
  description: 'How long, and for whom, an answer that selects this may be cached (Apollo convention).',
  locations: [DirectiveLocation.OBJECT, DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.INTERFACE, DirectiveLocation.UNION],
  args: {
    maxAge: { type: GraphQLInt },
    scope: { type: new GraphQLEnumType({ name: 'CacheControlScope', values: Object.fromEntries(SCOPES.map((s) => [s, { value: s }])) }) },
    grace: { type: GraphQLInt },
  },
});

export function narrower(a: CacheScope, b: CacheScope): CacheScope {
  return SCOPES.indexOf(a) >= SCOPES.indexOf(b) ? a : b;
}

type Annotated = { extensions?: { directives?: unknown } | null; astNode?: { directives?: readonly DirectiveNode[] } | null };

/**
 * The @cacheControl hint a type or field carries: as Pothos' directives plugin records it in
 * extensions, or written in SDL (a schema built from type definitions).
 */
export function hintOf(element: GraphQLNamedType | GraphQLField<unknown, unknown>): CacheHint | undefined {
  const { extensions, astNode } = element as Annotated;
  const directives = extensions?.directives;
  if (Array.isArray(directives)) {
    const found = directives.find((d: { name: string }) => d.name === 'cacheControl');
    if (found) return found.args as CacheHint;
  } else if (directives && (directives as Record<string, CacheHint>).cacheControl) {
    return (directives as Record<string, CacheHint>).cacheControl;
  }
  return astNode ? (getDirectiveValues(cacheControlDirective, astNode) as CacheHint | undefined) : undefined;
}
