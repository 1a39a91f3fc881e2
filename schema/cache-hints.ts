import type { CacheScope } from '../plugins/response-cache/cache-control.ts';

/**
 * How long Contrail's answers stay fresh, by what they are made of (seconds). The schema
 * declares these as @cacheControl hints; configuration may override them (CACHE_TTL_OVERRIDES).
 */
export const defaultTtlSeconds = {
  Country: 86_400,
  Region: 86_400,
  Airport: 43_200,
  Airline: 21_600,
  Route: 3_600,
  AircraftType: 86_400,
  Viewer: 300,
  /** A flight in a search (a route's day): the listing's age. */
  Flight: 300,
  /** A flight asked for by number: its live status (the realtime cap). */
  FlightStatus: 60,
  Weather: 900,
  Forecast: 3_600,
  /** A route's delays over days of history: an hour's new flights barely move it. */
  FlightPattern: 3_600,
  WeatherPattern: 7_200,
  /**
   * Reserved for a route analysis (patterns over a long window, read on their own): no type
   * carries it yet. An answer lives as long as its shortest hint, so it could only lengthen
   * an answer made of nothing shorter-lived — not Route.pattern, whose Route is 3600.
   */
  RouteAnalysis: 86_400,
  /** An anonymous quote: the price holds this long (resolvers/quotes.ts), and a status push for its flight ends it sooner. */
  Quote: 600,
  /** A signed-in user's stored quote (PRIVATE): its price holds this long, and a create or purchase of theirs ends it sooner. */
  UserQuote: 1_800,
  // Later domains: risk 3600.
} as const;

export interface CacheHintOptions<Row> {
  /** Who may share answers that contain the type. Default: PUBLIC. */
  scope?: CacheScope;
  /** Seconds a stale answer may still be served while one refresh runs. Default: none. */
  grace?: number;
  /**
   * The entity tag of one row (`Airport:3797`): answers that contain it carry it, and a write
   * to it invalidates them. Every type with an identity has one (a test checks).
   */
  tag?: (row: Row) => string | readonly string[];
}

/**
 * A type's whole cache declaration in one place — its maxAge from the policy table, scope,
 * grace and entity tag — to spread into `builder.objectType(name, { ...cacheHint(…), … })`,
 * so that no type declares a lifetime and forgets how it is invalidated.
 */
export function cacheHint<Row>(type: keyof typeof defaultTtlSeconds, { scope = 'PUBLIC', grace, tag }: CacheHintOptions<Row> = {}) {
  return {
    directives: { cacheControl: { maxAge: defaultTtlSeconds[type], scope, ...(grace === undefined ? {} : { grace }) } },
    extensions: tag ? { cacheTag: tag } : {},
  };
}

/**
 * A field's own maxAge, for a field whose answer ages faster than its type's (a flight asked
 * for by number is live status; the same type in a search is the listing's age).
 */
export function fieldCacheHint(entry: keyof typeof defaultTtlSeconds) {
  return { directives: { cacheControl: { maxAge: defaultTtlSeconds[entry] } } };
}
