import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { createGraphQLError } from 'graphql-yoga';
import type { CacheScope } from '../plugins/cache-control.ts';
import type { Viewer } from '../src/auth/viewer.ts';
import { defaultTtlSeconds } from '../src/cache-policy.ts';
import type { AircraftTypeRow, AirlineRow, AirportRow, CountryRow, RouteRow } from '../drizzle/schema/index.ts';
import type { Context } from '../src/context.ts';

/** The builder and the backing shape of each object type; types live in their domain files. */
export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  AuthScopes: { admin: boolean; authenticated: boolean };
  Directives: {
    cacheControl: {
      locations: 'OBJECT' | 'FIELD_DEFINITION' | 'INTERFACE' | 'UNION';
      args: { maxAge?: number; scope?: CacheScope; grace?: number };
    };
  };
  Objects: {
    Viewer: Viewer;
    Airport: AirportRow;
    Airline: AirlineRow;
    Route: RouteRow;
    Country: CountryRow;
    AircraftType: AircraftTypeRow;
  };
}>({
  // scope-auth first, as its docs require: it wraps every other plugin's resolvers.
  plugins: [ScopeAuthPlugin, DirectivesPlugin, RelayPlugin],
  defaultFieldNullability: false,
  // Keyed by name in extensions: the shape graphql-tools' printer and our policy reader expect.
  directives: { useGraphQLToolsUnorderedDirectives: true },
  scopeAuth: {
    authScopes: (ctx) => ({ admin: ctx.viewer.kind === 'admin', authenticated: ctx.viewer.kind !== 'anonymous' }),
    unauthorizedError: (_parent, ctx) =>
      createGraphQLError(ctx.viewer.kind === 'anonymous' ? 'Sign in to see this field.' : 'You may not see this field.', {
        extensions: { code: ctx.viewer.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN' },
      }),
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Reference data is looked up by its codes; there is no Node interface to refetch by.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

builder.queryType({ description: 'Aviation reference data: airports, airlines, routes and countries.' });
builder.mutationType({ description: 'Changes; each invalidates the cached answers it affects.' });

/** The @cacheControl directive for a type: shared by everyone, fresh for its TTL in our policy table. */
export function publicFor(type: keyof typeof defaultTtlSeconds) {
  return { cacheControl: { maxAge: defaultTtlSeconds[type], scope: 'PUBLIC' as const } };
}
