import type { IncomingMessage } from 'node:http';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useAuth } from '../plugins/use-auth.ts';
import { useErrorCodes } from '../plugins/use-error-codes.ts';
import { useJsonErrors } from '../plugins/use-json-errors.ts';
import { createErrorMasking } from '../plugins/use-error-masking.ts';
import { useDisableIntrospection } from '../plugins/use-disable-introspection.ts';
import type { TrustedDocumentsPlugin } from '../plugins/use-trusted-documents.ts';
import { useHealth } from '../plugins/use-health.ts';
import { useMetrics } from '../plugins/use-metrics.ts';
import { usePersistedQueries, type PersistedQueriesPlugin } from '../plugins/use-persisted-queries.ts';
import { defaultLimits, useLimits, type LimitsOptions } from '../plugins/use-limits.ts';
import { createFastPath } from '../plugins/response-cache/node-fast-path.ts';
import type { RateLimit } from './rate-limit/create-rate-limit.ts';
import { useResponseCache } from '../plugins/use-response-cache.ts';
import { useQueryLog, type QueryLogEntry } from '../plugins/use-query-log.ts';
import type { CacheObserver } from '../plugins/response-cache/outcome.ts';
import { operationCost } from '../schema/cost.ts';
import { schema } from '../schema/index.ts';
import { PARTNER_PRICED_TYPES } from '../schema/quote.ts';
import { createQuotePriors } from './loaders/quote-priors.ts';
import { QUOTE_HISTORY_DAYS } from './loaders/quotes.ts';
import { defaultPricing, type PricingConfig } from '../resolvers/pricing/config.ts';
import { createCatalog } from './sql/index.ts';
import { createContext, type Context, type ContextDeps, type FlightDateWindow, type Invalidate } from './context.ts';
import type { Entities } from './entities/create-entities.ts';
import { createFlightIngest } from './entities/ingest.ts';
import type { Authenticate } from './auth/authenticator.ts';
import { AuthenticationError, type Viewer } from './auth/viewer.ts';
import { defaultTtlPolicy, ttlFor, type TtlPolicy } from '../plugins/response-cache/ttl-policy.ts';
import type { CdnHeaderOptions } from '../plugins/response-cache/cdn-tags.ts';
import type { CacheChain } from './cache/chain.ts';
import { gatewayHealth } from './metrics/health.ts';
import type { Observability } from './metrics/observability.ts';
import type { Database, DatabaseHandle } from './db/database.ts';
import { graphiql } from './graphiql.ts';
import { defaultExposure, trustedDocumentsFor, type ExposureOptions } from './exposure.ts';
import type { FastPath } from './http/edge.ts';
import { toYogaLogger, type Logger } from './logger.ts';
import { withTimeout } from './resilience/timeout.ts';
import { databaseAuditLog } from './admin/audit.ts';
import { useAdminRest } from './admin/rest.ts';
import { createAdmin } from './admin/service.ts';
import type { Warmer } from './admin/warmer.ts';
import { createInsightsRecorder, type InsightsRecorder } from './insights/recorder.ts';

export interface GatewayDeps {
  database: DatabaseHandle;
  /** Flights and weather: the upstream sources behind their entity caches (src/entities/). */
  entities: Entities;
  /** Dates the flight upstream answers. Default: 365 days back, 7 ahead. */
  flightDates?: FlightDateWindow;
  /** How quotes are priced. Default: defaultPricing (resolvers/pricing/config.ts). */
  pricing?: PricingConfig;
  /** Verifies credentials; see src/auth/authenticator.ts. */
  authenticate: Authenticate;
  /** The tier chain the response cache reads through; without it nothing is cached. */
  cache?: CacheChain;
  responseCache?: { enabled: boolean; ttl: TtlPolicy; extensions: boolean; cdn?: CdnHeaderOptions };
  /** Bounds on every operation (depth, aliases, tokens, directives, cost). Default: defaultLimits. */
  limits?: LimitsOptions;
  /** Error detail, introspection, GraphiQL and trusted documents (src/exposure.ts). Default: defaultExposure. */
  exposure?: ExposureOptions;
  /** Rate limits (src/rate-limit/); the server's edge admits with the same one. Default: none. */
  rateLimit?: RateLimit;
  /** Answers differ by Origin (CORS for a list of origins, set by the server's edge): cached ones say so in Vary. */
  varyByOrigin?: boolean;
  /** Fields `/health` adds to its body (the start-up backfill's progress); never its status. Default: none. */
  healthInfo?: () => Record<string, unknown>;
  /** Whether the server takes traffic (prepared, listening, not shutting down), for `/health/ready`. Default: always. */
  ready?: () => boolean;
  /** The version `/health` reports. Default: none. */
  version?: string;
  /** Metrics (`/metrics`) and the request records the edge keeps (src/metrics/observability.ts). Default: none. */
  observability?: Observability;
  /**
   * The query log the warmer replays (src/warming/query-log.ts): told of executed PUBLIC and
   * AUTHENTICATED operations (useQueryLog), and of cache hits by key (the response cache's observer). Default: none.
   */
  queryLog?: { record(entry: QueryLogEntry): void; observe: CacheObserver };
  /** The warmer the admin API runs (src/warming/). Default: none (warm calls answer UNAVAILABLE). */
  warmer?: Warmer;
  /** Records the response cache's outcomes for cacheInsights (src/insights/). Default: a recorder of its own. */
  insights?: InsightsRecorder;
  logger: Logger;
}

export type Gateway = YogaServerInstance<Record<string, never>, Context> & {
  /** Answers cache hits on node:http before Yoga (see src/fast-path.ts); absent without a cache. */
  fastPath?: FastPath;
};

/** The response cache's observers as one function, built once: one call per outcome, no nesting. */
function observersOf(...given: (CacheObserver | undefined)[]): CacheObserver | undefined {
  const [a, b, c, ...more] = given.filter((observer) => observer !== undefined);
  if (more.length) throw new RangeError(`at most 3 cache observers; received ${3 + more.length}`);
  if (!a || !b) return a;
  if (!c)
    return (outcome, context) => {
      a(outcome, context);
      b(outcome, context);
    };
  return (outcome, context) => {
    a(outcome, context);
    b(outcome, context);
    c(outcome, context);
  };
}

/**
 * How writes invalidate what they changed. Without a cache there is nothing to invalidate; a
 * failing invalidation is logged, and the write it follows still stands.
 */
function invalidatorFor(cache: CacheChain | undefined, logger: Logger, onInvalidation?: (kind: string) => void): Invalidate {
  if (!cache) return async () => undefined;
  return (tags) =>
    cache.invalidateTags(tags).then(
      () => onInvalidation?.('write'),
      (err: Error) => logger.error({ err: err.message, tags }, 'invalidation failed: cached answers may be stale'),
    );
}

/** The response cache as the gateway configures it: viewer-scoped, TTLs by role, admins and services may bypass. */
function responseCacheFor({
  cache,
  principalOf,
  settings,
  limits,
  persistedQueries,
  trustedDocuments,
  varyByOrigin,
  observe,
  logger,
}: {
  cache: CacheChain;
  principalOf: (request: Request) => Viewer;
  settings: GatewayDeps['responseCache'];
  limits: LimitsOptions;
  persistedQueries: PersistedQueriesPlugin;
  trustedDocuments: TrustedDocumentsPlugin<Viewer>;
  varyByOrigin: boolean;
  observe: CacheObserver | undefined;
  logger: Logger;
}) {
  const ttl = settings?.ttl ?? defaultTtlPolicy;
  return useResponseCache<Viewer>({
    cache,
    schema,
    maxTokens: limits.maxTokens,
    // A trusted document's hash first (and whether the caller may send text), then an APQ one.
    resolveParams: async (params, request) => {
      const trusted = await trustedDocuments.resolve(params, request);
      return 'code' in trusted ? trusted : persistedQueries.resolve(trusted);
    },
    answeredFromCache: persistedQueries.answered,
    vary: ['Authorization', 'X-Api-Key', ...(varyByOrigin ? ['Origin'] : [])],
    principalOf,
    ttlSeconds: (maxAge, viewer) => ttlFor(ttl, maxAge, viewer),
    ttlOverride: (type) => ttl.overrides[type],
    tagsOf: (context) => (context as Context).cacheTags,
    maxAgeOf: (context) => (context as Context).cacheMaxAge,
    mayBypass: (viewer) => viewer.kind === 'admin' || viewer.kind === 'service',
    ownAnswer: (policy, viewer) => viewer.kind === 'partner' && policy.types.some((type) => PARTNER_PRICED_TYPES.includes(type)),
    includeExtensions: settings?.extensions ?? true,
    cdn: settings?.cdn,
    observe,
    onError: (err, operation) => logger.warn({ err: (err as Error).message, operation }, 'response cache call failed'),
  });
}

/** What every request's context is made from: the database's listings, the entity stores, and how writes invalidate. */
export function contextDepsFor({
  db,
  entities,
  flightDates,
  pricing = defaultPricing,
  invalidate,
}: {
  db: Database;
  entities: Entities;
  flightDates: FlightDateWindow;
  pricing?: PricingConfig;
  invalidate: Invalidate;
}): ContextDeps {
  return {
    db,
    catalog: createCatalog(db),
    stores: entities.stores,
    flightDates,
    pricing,
    quotePriors: createQuotePriors(db, QUOTE_HISTORY_DAYS),
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
  pricing,
  authenticate,
  cache,
  responseCache: settings,
  limits = defaultLimits,
  exposure = defaultExposure,
  rateLimit,
  varyByOrigin = false,
  healthInfo,
  queryLog,
  ready,
  version,
  observability,
  warmer,
  insights = createInsightsRecorder(),
  logger,
}: GatewayDeps): Gateway {
  const auth = useAuth({ authenticate, isAuthenticationError: (err) => err instanceof AuthenticationError });
  const persistedQueries = usePersistedQueries({ store: cache });
  const trustedDocuments = trustedDocumentsFor(exposure.persistedOnly, database.db, auth.principalOf);
  const errorMasking = createErrorMasking({
    development: exposure.development,
    onUnexpected: (err, requestId) => logger.error({ err, reqId: requestId }, 'unexpected error: answered INTERNAL_SERVER_ERROR with this request id'),
    // The id of the server edge's request log (src/http/edge.ts), the one its answer's X-Request-Id gives.
    requestIdOf: (_request, serverContext) => (serverContext as { requestLog?: { requestId?: string } } | undefined)?.requestLog?.requestId,
  });
  const responseCache =
    cache && settings?.enabled !== false
      ? responseCacheFor({ cache, principalOf: auth.principalOf, settings, limits, persistedQueries, trustedDocuments, varyByOrigin, observe: observersOf(queryLog?.observe, observability?.observeCache, insights.observe), logger })
      : undefined;
  const invalidate = invalidatorFor(cache, logger, observability?.metrics.events.invalidation);
  const admin = createAdmin({
    cache,
    audit: databaseAuditLog(database.db, logger),
    keyPrefix: cache?.keyPrefix ?? '',
    typeExists: (name) => schema.getType(name) !== undefined,
    warmer,
    insights: responseCache ? insights : undefined,
    onInvalidation: observability?.metrics.events.invalidation,
    // What /health answers this admin (its detailed variant): computed there, not here.
    health: async (headers) => {
      const response = await yoga.fetch('http://localhost/health', { headers: { authorization: headers.get('authorization') ?? '', 'x-api-key': headers.get('x-api-key') ?? '' } });
      return { status: response.status, body: await response.json() };
    },
    logger,
  });
  const contextDeps = { ...contextDepsFor({ db: database.db, entities, flightDates, pricing, invalidate }), admin };
  const yoga = createYoga<Record<string, never>, Context>({
    schema,
    context: ({ request }) => createContext(contextDeps, auth.principalOf(request)),
    logging: toYogaLogger(logger),
    // Never a stack or an original error in an answer, whatever NODE_ENV says: the log has them
    // (plugins/use-error-masking.ts; in development, the message too).
    maskedErrors: { maskError: errorMasking.maskError },
    batching: limits.maxBatchSize > 0 ? { limit: limits.maxBatchSize } : false,
    // CORS is the server edge's (src/http/cors.ts), for every answer — hits before Yoga too.
    cors: false,
    landingPage: false,
    // Liveness stays with Yoga; /health (below) reports the dependencies.
    healthCheckEndpoint: '/health/live',
    ...graphiql(exposure.graphiql),
    plugins: [
      // Before auth: a scrape's bearer is the metrics token, not a viewer's credential.
      ...(observability
        ? [
            useMetrics({
              scrape: observability.metrics.scrape,
              token: observability.metricsToken,
              onRequest: ({ serverContext }) => observability.gatewayReached(serverContext),
              onOperation: ({ request, serverContext, operationName }) => observability.operation(serverContext, operationName, auth.principalOf(request).kind),
              onResult: ({ serverContext, errors }) => observability.result(serverContext, errors),
            }),
          ]
        : []),
      auth,
      // After auth, whose verified viewer it checks; before everything GraphQL.
      useAdminRest({ admin, viewerOf: auth.principalOf }),
      // First of what reads the request: a batch too large is refused before its operations are looked at.
      useLimits({ ...limits, costOf: (args) => operationCost(schema, args) }),
      ...(exposure.introspection ? [] : [useDisableIntrospection()]),
      // Trusted documents' hashes before the APQ plugin looks for hashes it was taught.
      trustedDocuments,
      // Before the cache, which asks it to resolve hashes before it looks.
      persistedQueries,
      ...(responseCache ? [responseCache] : []),
      // After the limits: an operation they refuse does not pay for executing.
      ...(rateLimit ? [rateLimit.plugin(auth.principalOf)] : []),
      // A partner's answers may be its own (priced): cached PRIVATE, never replayed.
      ...(queryLog ? [useQueryLog({ record: queryLog.record, skip: (context) => (context as Context).viewer.kind === 'partner' })] : []),
      useErrorCodes(),
      useJsonErrors(),
      errorMasking.plugin,
      useHealth({
        ...gatewayHealth({ database, cache, upstreams: entities.clients }),
        withTimeout,
        ready,
        version,
        info: healthInfo,
        detailed: (request) => auth.principalOf(request).kind === 'admin',
      }),
    ],
  });
  if (!responseCache) return yoga;
  const fetch = (url: string, init: RequestInit) => yoga.fetch(url, init);
  responseCache.attach(fetch);
  // With rate limits, the edge has verified the request already: the fast path reuses it.
  const verified = rateLimit ? (_headers: unknown, req: IncomingMessage) => rateLimit.viewerOf(req) : authenticate;
  // Callers held to trusted documents are answered by Yoga, which refuses their text, hit or not.
  return Object.assign(yoga, { fastPath: createFastPath(responseCache.core, verified, trustedDocuments.mustUseTrusted) });
}
