import path from 'node:path';
import { z } from 'zod';
import type { LimitsOptions } from '../plugins/use-limits.ts';
import type { ExposureOptions } from './exposure.ts';
import type { AuthConfig } from './auth/authenticator.ts';
import type { CacheConfig } from './cache/create-cache.ts';
import type { DatabaseConfig } from './db/database.ts';
import type { FlightDateWindow } from './context.ts';
import type { SourceSettings } from './entities/create-entities.ts';
import type { StartupBackfillOptions } from './history/background-backfill.ts';
import type { CorsOptions } from './http/cors.ts';
import { pricingWith, type PricingConfig } from '../resolvers/pricing/config.ts';
import type { WarmingOptions } from './warming/index.ts';
import { cronProblem } from './warming/schedule.ts';
import { defaultRateLimits, type RateLimitOptions } from './rate-limit/create-rate-limit.ts';
import { trustedProxyList } from './rate-limit/client-address.ts';
import type { CdnPurgeOptions } from './cdn/purge.ts';
import type { CdnHeaderOptions } from '../plugins/response-cache/cdn-tags.ts';
import { defaultTtlPolicy, type TtlPolicy } from '../plugins/response-cache/ttl-policy.ts';

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/** A croner pattern, or `off`. */
const cronPattern = z.string().superRefine((text, ctx) => {
  const problem = text === 'off' ? null : cronProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: `must be a cron pattern such as "0 2 * * *", or off: ${problem}` });
});

const envSchema = z.object({
  MAX_BODY_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(1024 * 1024)),
  MAX_URL_LENGTH: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(16 * 1024)),
  CORS_ORIGINS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((text, ctx) => {
        if (text.trim() === '*') return '*' as const;
        const origins = text.split(',').map((o) => o.trim()).filter(Boolean);
        for (const origin of origins) {
          let parsed: URL | undefined;
          try {
            parsed = new URL(origin);
          } catch {
            parsed = undefined;
          }
          if (!parsed || parsed.origin !== origin) {
            ctx.addIssue({ code: 'custom', message: `must be * or comma-separated origins such as https://app.example.com (no path, no trailing slash); received ${JSON.stringify(origin)}` });
            return z.NEVER;
          }
        }
        return origins;
      })
      .default('*'),
  ),
  CORS_MAX_AGE_S: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(86_400)),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(4000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  CONTRAIL_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('.contrail')),
  REDIS_URL: z.preprocess(emptyAsUndefined, z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL (comma-separated seed nodes for a cluster)').optional()),
  REDIS_CLUSTER: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('false')),
  CACHE_KEY_PREFIX: z.preprocess(emptyAsUndefined, z.string().default('contrail:')),
  CACHE_MEMORY_MAX_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(64 * 1024 * 1024)),
  CACHE_MEMORY_MAX_ENTRY_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(1024 * 1024)),
  CACHE_MEMORY_SAFETY_TTL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(5000)),
  CACHE_TIER_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(100)),
  CACHE_BREAKER_FAILURES: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(5)),
  CACHE_BREAKER_RESET_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(2000)),
  CACHE_COMPRESS_ABOVE_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(65536)),
  CACHE_MAX_LIFETIME_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(7 * 24 * 3600 * 1000)),
  CACHE_BUS_HEARTBEAT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(1000)),
  CACHE_INVALIDATION_ACK_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(250)),
  CACHE_PRUNE_INTERVAL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(60_000)),
  JWT_SECRET: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((secret) => secret.trim().length >= 32, 'must be at least 32 characters, not counting spaces around it')
      .optional(),
  ),
  JWT_JWKS_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  JWT_ISSUER: z.preprocess(emptyAsUndefined, z.string().optional()),
  JWT_AUDIENCE: z.preprocess(emptyAsUndefined, z.string().optional()),
  JWT_CLOCK_TOLERANCE_S: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(30)),
  API_KEY_CACHE_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(5000)),
  CACHE_TTL_OVERRIDES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((text, ctx) => {
        try {
          return z.record(z.string(), z.number().int().positive()).parse(JSON.parse(text));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON object of type name → seconds, e.g. {"Airport":600}' });
          return z.NEVER;
        }
      })
      .optional(),
  ),
  RESPONSE_CACHE: z.preprocess(emptyAsUndefined, z.enum(['on', 'off']).default('on')),
  RESPONSE_CACHE_EXTENSIONS: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('true')),
  CDN_S_MAXAGE_FACTOR: z.preprocess(emptyAsUndefined, z.coerce.number().nonnegative().default(1)),
  // Fastly reads 16 384 bytes of Surrogate-Key, Cloudflare 16 KB of Cache-Tag.
  CDN_TAG_HEADER_MAX_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(16_384).default(4096)),
  CDN_PURGE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
  CDN_PURGE_TOKEN: z.preprocess(emptyAsUndefined, z.string().optional()),
  CDN_PURGE_BATCH_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(200)),
  LIMIT_MAX_DEPTH: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(10)),
  LIMIT_MAX_ALIASES: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(15)),
  LIMIT_MAX_TOKENS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(1000)),
  LIMIT_MAX_DIRECTIVES: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(20)),
  LIMIT_MAX_COST: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(10_000)),
  LIMIT_MAX_VARIABLES_DEPTH: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(16)),
  LIMIT_MAX_LIST_LENGTH: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(50)),
  LIMIT_MAX_BATCH_SIZE: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(0)),
  LIMIT_MAX_RESPONSE_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(4 * 1024 * 1024)),
  NODE_ENV: z.preprocess(emptyAsUndefined, z.string().optional()),
  GRAPHQL_INTROSPECTION: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).optional()),
  GRAPHIQL: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).optional()),
  PERSISTED_ONLY: z.preprocess(emptyAsUndefined, z.enum(['off', 'partners', 'all']).default('off')),
  RATE_LIMIT_ENABLED: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('true')),
  RATE_LIMIT_HIT_COST: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(defaultRateLimits.hitCost)),
  RATE_LIMIT_MISS_COST: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(defaultRateLimits.missCost)),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(defaultRateLimits.anonymousPerMinute)),
  RATE_LIMIT_USER_PER_MINUTE: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(defaultRateLimits.userPerMinute)),
  RATE_LIMIT_CREATE_QUOTE_PER_HOUR: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(30)),
  TRUSTED_PROXIES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((text, ctx) => {
        const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
        try {
          trustedProxyList(entries);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: `must be comma-separated CIDRs or addresses; ${(err as Error).message}` });
          return z.NEVER;
        }
        return entries;
      })
      .default([]),
  ),
  FLIGHTS_API_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
  FLIGHTS_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  FLIGHTS_API_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(5000)),
  FLIGHTS_API_RETRIES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(5).default(2)),
  // AviationStack's overage price per call on its Basic plan.
  FLIGHTS_API_PRICE_PER_CALL: z.preprocess(emptyAsUndefined, z.coerce.number().nonnegative().default(0.009998)),
  FLIGHT_DATES_PAST_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(3650).default(365)),
  FLIGHT_DATES_FUTURE_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(365).default(7)),
  WEATHER_API_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
  WEATHER_API_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(5000)),
  WEATHER_API_RETRIES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(5).default(2)),
  WEATHER_API_BATCH_SIZE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100).default(100)),
  // aviationweather.gov is free.
  WEATHER_API_PRICE_PER_CALL: z.preprocess(emptyAsUndefined, z.coerce.number().nonnegative().default(0)),
  UPSTREAM_BREAKER_FAILURES: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(5)),
  UPSTREAM_BREAKER_RESET_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(10_000)),
  ENTITY_CACHE: z.preprocess(emptyAsUndefined, z.enum(['on', 'off']).default('on')),
  SANDBOX_LATENCY_MS: z.preprocess(emptyAsUndefined, z.coerce.number().nonnegative().default(0)),
  SANDBOX_JITTER_MS: z.preprocess(emptyAsUndefined, z.coerce.number().nonnegative().default(0)),
  SANDBOX_FAILURE_RATE: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(1).default(0)),
  PRICING_CREDIBILITY: z.preprocess(emptyAsUndefined, z.coerce.number().positive().max(10_000).optional()),
  PRICING_LOADING: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(10).optional()),
  PRICING_FEE: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(1000).optional()),
  PRICING_EXPOSURE_CAP: z.preprocess(emptyAsUndefined, z.coerce.number().positive().optional()),
  BACKFILL_ON_START: z.preprocess(emptyAsUndefined, z.enum(['auto', 'off']).default('auto')),
  BACKFILL_START_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(365).default(30)),
  BACKFILL_START_ROUTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1000).default(50)),
  QUERY_LOG: z.preprocess(emptyAsUndefined, z.enum(['on', 'off']).default('on')),
  QUERY_LOG_SAMPLE_RATE: z.preprocess(emptyAsUndefined, z.coerce.number().gt(0).max(1).default(0.1)),
  QUERY_LOG_MAX_ROWS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(10_000)),
  QUERY_LOG_MAX_ENTRY_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(8192)),
  WARMING_SCHEDULES: z.preprocess(emptyAsUndefined, z.enum(['on', 'off']).default('on')),
  WARMING_SCHEDULE_POPULAR: z.preprocess(emptyAsUndefined, cronPattern.default('0 2 * * *')),
  WARMING_SCHEDULE_REFERENCE: z.preprocess(emptyAsUndefined, cronPattern.default('0 3 * * 0')),
  WARMING_SCHEDULE_TIMEZONE: z.preprocess(emptyAsUndefined, z.string().default('UTC')),
  WARMING_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(64).default(4)),
  WARMING_LIMIT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(100)),
  WARMING_ROUTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(1000).default(20)),
  WARMING_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(365).default(7)),
  WARMING_FLIGHT_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(30).default(2)),
  ENABLE_CACHE_WARMING_ON_STARTUP: z.preprocess(emptyAsUndefined, z.enum(['true', 'false']).default('false')),
  CACHE_WARMING_STARTUP_DELAY: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(10_000)),
  METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  SHUTDOWN_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(10_000)),
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

export type Config = {
  port: number;
  host: string;
  /** Bounds every request meets at the server edge, before the gateway sees it. */
  http: { maxBodyBytes: number; maxUrlLength: number };
  cors: CorsOptions;
  /** Where the reference data and caches live: a Postgres server, or PGlite in a folder. */
  database: DatabaseConfig;
  cache: CacheConfig;
  auth: AuthConfig;
  responseCache: { enabled: boolean; ttl: TtlPolicy; extensions: boolean; cdn: CdnHeaderOptions };
  /** The webhook told of every invalidation's tags, for a CDN in front; absent: none. */
  cdnPurge?: Omit<CdnPurgeOptions, 'logger'>;
  limits: LimitsOptions;
  exposure: ExposureOptions;
  rateLimit: RateLimitOptions;
  /**
   * The flight and weather upstreams. A source without a `url` is the in-process sandbox
   * (src/sandbox), which the server starts and points it at.
   */
  upstreams: {
    flights: Omit<SourceSettings, 'url'> & { url?: string };
    weather: Omit<SourceSettings, 'url'> & { url?: string };
    flightDates: FlightDateWindow;
    /** Upstream answers cached per entity in the tier chain (off: every miss calls the upstream; for measuring). */
    entityCache: boolean;
    sandbox: { latencyMs: number; jitterMs: number; failureRate: number };
  };
  /** How quotes are priced: the model's defaults with the PRICING_* overrides. */
  pricing: PricingConfig;
  /** History filled in the background once the server listens (from the in-process sandbox only). */
  backfill: StartupBackfillOptions;
  /** Which answers the query log counts, how many, and how many rows it keeps. */
  queryLog: { enabled: boolean; sampleRate: number; maxRows: number; maxEntryBytes: number };
  warming: WarmingOptions;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** `/metrics`: the bearer token it requires (unset: open). */
  metrics: { token?: string };
  /** How long a shutdown waits for requests in flight before closing their connections. */
  shutdownTimeoutMs: number;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment once; the result is passed down, never re-read. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    http: { maxBodyBytes: e.MAX_BODY_BYTES, maxUrlLength: e.MAX_URL_LENGTH },
    cors: { origins: e.CORS_ORIGINS, maxAgeSeconds: e.CORS_MAX_AGE_S },
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : {
          kind: 'pglite',
          // memory:// is PGlite's own scheme for a database that lives and dies with the process.
          dataDir: e.CONTRAIL_DATA_DIR.startsWith('memory://') ? e.CONTRAIL_DATA_DIR : path.resolve(cwd, e.CONTRAIL_DATA_DIR),
        },
    cache: {
      redis: e.REDIS_URL ? { url: e.REDIS_URL, cluster: e.REDIS_CLUSTER === 'true' } : undefined,
      keyPrefix: e.CACHE_KEY_PREFIX,
      memoryMaxBytes: e.CACHE_MEMORY_MAX_BYTES,
      memoryMaxEntryBytes: e.CACHE_MEMORY_MAX_ENTRY_BYTES,
      memorySafetyTtlMs: e.CACHE_MEMORY_SAFETY_TTL_MS,
      tierTimeoutMs: e.CACHE_TIER_TIMEOUT_MS,
      breakerFailures: e.CACHE_BREAKER_FAILURES,
      breakerResetMs: e.CACHE_BREAKER_RESET_MS,
      compressAboveBytes: e.CACHE_COMPRESS_ABOVE_BYTES,
      maxLifetimeMs: e.CACHE_MAX_LIFETIME_MS,
      pruneIntervalMs: e.CACHE_PRUNE_INTERVAL_MS,
      busHeartbeatMs: e.CACHE_BUS_HEARTBEAT_MS,
      invalidationAckTimeoutMs: e.CACHE_INVALIDATION_ACK_TIMEOUT_MS,
    },
    auth: {
      jwtSecret: e.JWT_SECRET,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      clockToleranceSeconds: e.JWT_CLOCK_TOLERANCE_S,
      apiKeyCacheMs: e.API_KEY_CACHE_MS,
    },
    responseCache: {
      enabled: e.RESPONSE_CACHE === 'on',
      ttl: { ...defaultTtlPolicy, overrides: e.CACHE_TTL_OVERRIDES ?? {} },
      extensions: e.RESPONSE_CACHE_EXTENSIONS === 'true',
      cdn: { sMaxAgeFactor: e.CDN_S_MAXAGE_FACTOR, maxTagHeaderBytes: e.CDN_TAG_HEADER_MAX_BYTES },
    },
    cdnPurge: e.CDN_PURGE_URL ? { url: e.CDN_PURGE_URL, token: e.CDN_PURGE_TOKEN, batchMs: e.CDN_PURGE_BATCH_MS } : undefined,
    limits: {
      maxDepth: e.LIMIT_MAX_DEPTH,
      maxAliases: e.LIMIT_MAX_ALIASES,
      maxTokens: e.LIMIT_MAX_TOKENS,
      maxDirectives: e.LIMIT_MAX_DIRECTIVES,
      maxCost: e.LIMIT_MAX_COST,
      maxVariablesDepth: e.LIMIT_MAX_VARIABLES_DEPTH,
      maxListLength: e.LIMIT_MAX_LIST_LENGTH,
      maxBatchSize: e.LIMIT_MAX_BATCH_SIZE,
      maxResponseBytes: e.LIMIT_MAX_RESPONSE_BYTES,
    },
    // `npm start` sets no NODE_ENV: GraphiQL and introspection are on out of the box.
    exposure: {
      development: e.NODE_ENV === 'development',
      introspection: e.GRAPHQL_INTROSPECTION ? e.GRAPHQL_INTROSPECTION === 'true' : e.NODE_ENV !== 'production',
      graphiql: e.GRAPHIQL ? e.GRAPHIQL === 'true' : e.NODE_ENV !== 'production',
      persistedOnly: e.PERSISTED_ONLY,
    },
    rateLimit: {
      ...defaultRateLimits,
      enabled: e.RATE_LIMIT_ENABLED === 'true',
      hitCost: e.RATE_LIMIT_HIT_COST,
      missCost: e.RATE_LIMIT_MISS_COST,
      anonymousPerMinute: e.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      userPerMinute: e.RATE_LIMIT_USER_PER_MINUTE,
      trustedProxies: e.TRUSTED_PROXIES,
      fields: e.RATE_LIMIT_CREATE_QUOTE_PER_HOUR > 0 ? { 'Mutation.createQuote': { points: e.RATE_LIMIT_CREATE_QUOTE_PER_HOUR, durationSeconds: 3600 } } : {},
    },
    upstreams: {
      flights: {
        url: e.FLIGHTS_API_URL?.replace(/\/+$/, ''),
        key: e.FLIGHTS_API_KEY,
        timeoutMs: e.FLIGHTS_API_TIMEOUT_MS,
        retries: e.FLIGHTS_API_RETRIES,
        pricePerCall: e.FLIGHTS_API_PRICE_PER_CALL,
        breaker: { failures: e.UPSTREAM_BREAKER_FAILURES, resetMs: e.UPSTREAM_BREAKER_RESET_MS },
      },
      weather: {
        url: e.WEATHER_API_URL?.replace(/\/+$/, ''),
        timeoutMs: e.WEATHER_API_TIMEOUT_MS,
        retries: e.WEATHER_API_RETRIES,
        batchSize: e.WEATHER_API_BATCH_SIZE,
        pricePerCall: e.WEATHER_API_PRICE_PER_CALL,
        breaker: { failures: e.UPSTREAM_BREAKER_FAILURES, resetMs: e.UPSTREAM_BREAKER_RESET_MS },
      },
      flightDates: { pastDays: e.FLIGHT_DATES_PAST_DAYS, futureDays: e.FLIGHT_DATES_FUTURE_DAYS },
      entityCache: e.ENTITY_CACHE === 'on',
      sandbox: { latencyMs: e.SANDBOX_LATENCY_MS, jitterMs: e.SANDBOX_JITTER_MS, failureRate: e.SANDBOX_FAILURE_RATE },
    },
    pricing: pricingWith({ credibility: e.PRICING_CREDIBILITY, loading: e.PRICING_LOADING, fee: e.PRICING_FEE, exposureCap: e.PRICING_EXPOSURE_CAP }),
    backfill: { onStart: e.BACKFILL_ON_START, days: e.BACKFILL_START_DAYS, routes: e.BACKFILL_START_ROUTES },
    queryLog: { enabled: e.QUERY_LOG === 'on', sampleRate: e.QUERY_LOG_SAMPLE_RATE, maxRows: e.QUERY_LOG_MAX_ROWS, maxEntryBytes: e.QUERY_LOG_MAX_ENTRY_BYTES },
    warming: {
      warmer: {
        concurrency: e.WARMING_CONCURRENCY,
        limit: e.WARMING_LIMIT,
        routes: e.WARMING_ROUTES,
        days: e.WARMING_DAYS,
        flightDays: e.WARMING_FLIGHT_DAYS,
        // Where every caller names documents by hash, warm what those hashes stand for.
        manifestText: e.PERSISTED_ONLY === 'all',
      },
      schedules: {
        enabled: e.WARMING_SCHEDULES === 'on',
        popular: e.WARMING_SCHEDULE_POPULAR === 'off' ? null : e.WARMING_SCHEDULE_POPULAR,
        reference: e.WARMING_SCHEDULE_REFERENCE === 'off' ? null : e.WARMING_SCHEDULE_REFERENCE,
        timezone: e.WARMING_SCHEDULE_TIMEZONE,
      },
      startup: { enabled: e.ENABLE_CACHE_WARMING_ON_STARTUP === 'true', delayMs: e.CACHE_WARMING_STARTUP_DELAY },
    },
    logLevel: e.LOG_LEVEL,
    metrics: { token: e.METRICS_TOKEN },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}
