import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useAuth } from '../plugins/use-auth.ts';
import { useErrorCodes } from '../plugins/use-error-codes.ts';
import { useHealth } from '../plugins/use-health.ts';
import { usePersistedQueries, type PersistedQueriesPlugin } from '../plugins/use-persisted-queries.ts';
import { defaultLimits, useLimits, type LimitsOptions } from '../plugins/use-limits.ts';
import { createFastPath } from '../plugins/response-cache/node-fast-path.ts';
import { useResponseCache } from '../plugins/use-response-cache.ts';
import { operationCost } from '../schema/cost.ts';
import { schema } from '../schema/index.ts';
import { PARTNER_PRICED_TYPES } from '../schema/quote.ts';
import { createCatalog } from './sql/index.ts';
import { createContext, type Context, type ContextDeps, type FlightDateWindow, type Invalidate } from './context.ts';
import type { Entities } from './entities/create-entities.ts';
import { createFlightIngest } from './entities/ingest.ts';
import type { Authenticate } from './auth/authenticator.ts';
import { AuthenticationError, type Viewer } from './auth/viewer.ts';
import { defaultTtlPolicy, ttlFor, type TtlPolicy } from '../plugins/response-cache/ttl-policy.ts';
import type { CacheChain } from './cache/chain.ts';
import type { TierName } from './cache/tier.ts';
import type { Database, DatabaseHandle } from './db/database.ts';
import { graphiql } from './graphiql.ts';
import type { FastPath } from './http/edge.ts';
import { toYogaLogger, type Logger } from './logger.ts';
import { withTimeout } from './resilience/timeout.ts';

export interface GatewayDeps {
  database: DatabaseHandle;
  /** Flights and weather: the upstream sources behind their entity caches (src/entities/). */
  entities: Entities;
  /** Dates the flight upstream answers. Default: 365 days back, 7 ahead. */
  flightDates?: FlightDateWindow;
  /** Verifies credentials; see src/auth/authenticator.ts. */
  authenticate: Authenticate;
  /** The tier chain the response cache reads through; without it nothing is cached. */
  cache?: CacheChain;
  responseCache?: { enabled: boolean; ttl: TtlPolicy; extensions: boolean };
  /** Bounds on every operation (depth, aliases, tokens, directives, cost). Default: defaultLimits. */
  limits?: LimitsOptions;
  /** Answers differ by Origin (CORS for a list of origins, set by the server's edge): cached ones say so in Vary. */
  varyByOrigin?: boolean;
  /** Fields `/health` adds to its body (the start-up backfill's progress); never its status. Default: none. */
  healthInfo?: () => Record<string, unknown>;
  logger: Logger;
}

export type Gateway = YogaServerInstance<Record<string, never>, Context> & {
  /** Answers cache hits on node:http before Yoga (see src/fast-path.ts); absent without a cache. */
  fastPath?: FastPath;
};

/** A cache tier is up while it answers a round trip (an open breaker answers for it: down). */
function cacheTierChecks(cache: CacheChain | undefined): Record<string, () => Promise<void>> {
  if (!cache) return {};
  const names = Object.keys(cache.stats().tiers).filter((name) => name !== 'memory') as TierName[];
  return Object.fromEntries(
    names.map((name) => [
      `cache.${name}`,
      async () => {
        if (!(await cache.ping())[name]) throw new Error(`no answer (breaker ${cache.stats().tiers[name]?.breaker})`);
      },
    ]),
  );
}

/**
 * How writes invalidate what they changed. Without a cache there is nothing to invalidate; a
 * failing invalidation is logged, and the write it follows still stands.
 */
function invalidatorFor(cache: CacheChain | undefined, logger: Logger): Invalidate {
  if (!cache) return async () => undefined;
  return (tags) =>
    cache.invalidateTags(tags).catch((err: Error) => logger.error({ err: err.message, tags }, 'invalidation failed: cached answers may be stale'));
}

/** The response cache as the gateway configures it: viewer-scoped, TTLs by role, admins and services may bypass. */
function responseCacheFor({
  cache,
  principalOf,
  settings,
  limits,
  persistedQueries,
  varyByOrigin,
  logger,
}: {
  cache: CacheChain;
  principalOf: (request: Request) => Viewer;
  settings: GatewayDeps['responseCache'];
  limits: LimitsOptions;
  persistedQueries: PersistedQueriesPlugin;
  varyByOrigin: boolean;
  logger: Logger;
}) {
  const ttl = settings?.ttl ?? defaultTtlPolicy;
  return useResponseCache<Viewer>({
    cache,
    schema,
    maxTokens: limits.maxTokens,
    resolveParams: persistedQueries.resolve,
    vary: ['Authorization', 'X-Api-Key', ...(varyByOrigin ? ['Origin'] : [])],
    principalOf,
    ttlSeconds: (maxAge, viewer) => ttlFor(ttl, maxAge, viewer),
    ttlOverride: (type) => ttl.overrides[type],
    tagsOf: (context) => (context as Context).cacheTags,
    maxAgeOf: (context) => (context as Context).cacheMaxAge,
    mayBypass: (viewer) => viewer.kind === 'admin' || viewer.kind === 'service',
    ownAnswer: (policy, viewer) => viewer.kind === 'partner' && policy.types.some((type) => PARTNER_PRICED_TYPES.includes(type)),
    includeExtensions: settings?.extensions ?? true,
    onError: (err, operation) => logger.warn({ err: (err as Error).message, operation }, 'response cache call failed'),
  });
}

/** What every request's context is made from: the database's listings, the entity stores, and how writes invalidate. */
export function contextDepsFor({ db, entities, flightDates, invalidate }: { db: Database; entities: Entities; flightDates: FlightDateWindow; invalidate: Invalidate }): ContextDeps {
  return {
    db,
    catalog: createCatalog(db),
    stores: entities.stores,
    flightDates,
    invalidate,
    ingestFlight: createFlightIngest({ db, stores: entities.stores, invalidate }),
  };
}

/**
 * The whole gateway as a fetch handler, built from its dependencies. It opens nothing and
 * listens nowhere: the server (or a test) owns the clients and closes them.
 */
export function createGateway({
  database,
  entities,
  flightDates = { pastDays: 365, futureDays: 7 },
  authenticate,
  cache,
  responseCache: settings,
  limits = defaultLimits,
  varyByOrigin = false,
  healthInfo,
  logger,
}: GatewayDeps): Gateway {
  const cacheChecks = cacheTierChecks(cache);
  const auth = useAuth({ authenticate, isAuthenticationError: (err) => err instanceof AuthenticationError });
  const persistedQueries = usePersistedQueries({ store: cache });
  const responseCache =
    cache && settings?.enabled !== false
      ? responseCacheFor({ cache, principalOf: auth.principalOf, settings, limits, persistedQueries, varyByOrigin, logger })
      : undefined;
  const invalidate = invalidatorFor(cache, logger);
  const contextDeps = contextDepsFor({ db: database.db, entities, flightDates, invalidate });
  const yoga = createYoga<Record<string, never>, Context>({
    schema,
    context: ({ request }) => createContext(contextDeps, auth.principalOf(request)),
    logging: toYogaLogger(logger),
    // Never a stack or an original error in an answer, whatever NODE_ENV says: the log has them.
    maskedErrors: { isDev: false },
    // CORS is the server edge's (src/http/cors.ts), for every answer — hits before Yoga too.
    cors: false,
    landingPage: false,
    // Liveness stays with Yoga; /health (below) reports the dependencies.
    healthCheckEndpoint: '/health/live',
    ...graphiql(),
    plugins: [
      auth,
      // Before the cache, which asks it to resolve hashes before it looks.
      persistedQueries,
      ...(responseCache ? [responseCache] : []),
      useLimits({ ...limits, costOf: (args) => operationCost(schema, args) }),
      useErrorCodes(),
      useHealth({ checks: { database: () => database.ping(), ...cacheChecks }, optional: Object.keys(cacheChecks), withTimeout, info: healthInfo }),
    ],
  });
  if (!responseCache) return yoga;
  const fetch = (url: string, init: RequestInit) => yoga.fetch(url, init);
  responseCache.attach(fetch);
  return Object.assign(yoga, { fastPath: createFastPath(responseCache.core, authenticate) });
}
