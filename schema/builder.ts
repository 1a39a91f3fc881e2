import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ComplexityPlugin from '@pothos/plugin-complexity';
import { createGraphQLError } from 'graphql-yoga';
import type { CacheScope } from '../plugins/response-cache/cache-control.ts';
import type { Viewer } from '../src/auth/viewer.ts';
import type { AircraftTypeRow, AirlineRow, AirportRow, CountryRow, RouteRow } from '../drizzle/schema/index.ts';
import type { Context } from '../src/context.ts';
import type { FlightView } from '../resolvers/flights.ts';
import type { QuoteView } from '../resolvers/quotes.ts';
import type { UserQuoteView } from '../resolvers/user-quotes.ts';
import type { ReportView } from '../resolvers/weather.ts';
import type { CategoryShares, FlightPattern, HourPattern, WeatherPattern } from '../src/sql/patterns.ts';
import type { FlightAircraft } from '../src/sources/flights/types.ts';
import type { CloudLayer, Metar, Taf, TafPeriod, Visibility, Wind } from '../src/sources/weather/types.ts';
import { pagingDescriptions } from './paging.ts';

/** The builder and the backing shape of each object type; types live in their domain files. */
export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  AuthScopes: { admin: boolean; authenticated: boolean; service: boolean };
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
    Flight: FlightView;
    FlightAircraft: FlightAircraft;
    Weather: ReportView<Metar>;
    Forecast: ReportView<Taf>;
    ForecastPeriod: TafPeriod;
    Wind: Wind;
    Visibility: Visibility;
    CloudLayer: CloudLayer;
    FlightPattern: FlightPattern;
    HourPattern: HourPattern;
    WeatherPattern: WeatherPattern;
    FlightCategoryShares: CategoryShares;
    Quote: QuoteView;
    QuoteBreakdown: QuoteView['breakdown'];
    QuoteHistorical: QuoteView['breakdown']['historical'];
    QuoteWeather: QuoteView['breakdown']['weather'];
    UserQuote: UserQuoteView;
    UserQuoteFlight: { number: string; date: string };
  };
  Scalars: {
    Date: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
  };
}>({
  // scope-auth first, as its docs require: it wraps every other plugin's resolvers.
  plugins: [ScopeAuthPlugin, DirectivesPlugin, RelayPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  // Keyed by name in extensions: the shape graphql-tools' printer and our policy reader expect.
  directives: { useGraphQLToolsUnorderedDirectives: true },
  scopeAuth: {
    authScopes: (ctx) => ({ admin: ctx.viewer.kind === 'admin', authenticated: ctx.viewer.kind !== 'anonymous', service: ctx.viewer.kind === 'service' }),
    unauthorizedError: (_parent, ctx) =>
      createGraphQLError(ctx.viewer.kind === 'anonymous' ? 'Sign in to see this field.' : 'You may not see this field.', {
        extensions: { code: ctx.viewer.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN' },
      }),
  },
  // Every field costs 1; a list's selection counts once per item it may return (see pageCost).
  // The limit is enforced before execution by plugins/use-limits.ts, not inside resolvers.
  complexity: { defaultComplexity: 1, defaultListMultiplier: 10, disabled: true },
  relay: {
    ...pagingDescriptions,
    clientMutationId: 'omit',
    // A connection's cost multiplies by its page size (pageCost) once, not again per edge list.
    edgesFieldOptions: { ...pagingDescriptions.edgesFieldOptions, complexity: { field: 1, multiplier: 1 } },
    cursorType: 'String',
    // Reference data is looked up by its codes; there is no Node interface to refetch by.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

builder.queryType({ description: 'Aviation data: airports, airlines, routes and countries; flights and weather.' });
builder.mutationType({ description: 'Changes; each invalidates the cached answers it affects.' });

/**
 * What a field that may call a paid upstream costs, beside the 1 of a field the database or
 * the cache answers: an operation that could fan out into hundreds of upstream calls is
 * refused by the cost limit before it runs (routes(first: 100) { flights(date) } costs 5 000+).
 */
export const UPSTREAM_FIELD_COST = 50;

/**
 * The cost of a list field: its selection counted once per item it may return — the
 * `first` (or `last`) it is asked for, or the size it returns when not asked; never more than
 * the most it returns, since a larger page is refused by its resolver (BAD_USER_INPUT, naming
 * the argument) before any statement.
 */
export function pageCost(defaultSize: number, maxSize: number) {
  return (args: { first?: number | null; last?: number | null }) => ({
    field: 1,
    multiplier: Math.min(maxSize, Math.max(1, args.first ?? args.last ?? defaultSize)),
  });
}
