import path from 'node:path';
import { z } from 'zod';
import type { LimitsOptions } from '../plugins/use-limits.ts';
import type { AuthConfig } from './auth/authenticator.ts';
import type { CacheConfig } from './cache/create-cache.ts';
import type { DatabaseConfig } from './db/database.ts';
import type { FlightDateWindow } from './context.ts';
import type { SourceSettings } from './entities/create-entities.ts';
import type { StartupBackfillOptions } from './history/background-backfill.ts';
import type { CorsOptions } from './http/cors.ts';
import { defaultTtlPolicy, type TtlPolicy } from '../plugins/response-cache/ttl-policy.ts';

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

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
  LIMIT_MAX_DEPTH: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(10)),
  LIMIT_MAX_ALIASES: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(15)),
  LIMIT_MAX_TOKENS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(1000)),
  LIMIT_MAX_DIRECTIVES: z.preprocess(emptyAsUndefined, z.coerce.number().int().nonnegative().default(20)),
  LIMIT_MAX_COST: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(10_000)),
  LIMIT_MAX_VARIABLES_DEPTH: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(16)),
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
  BACKFILL_ON_START: z.preprocess(emptyAsUndefined, z.enum(['auto', 'off']).default('auto')),
  BACKFILL_START_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(365).default(30)),
  BACKFILL_START_ROUTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1000).default(50)),
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
  responseCache: { enabled: boolean; ttl: TtlPolicy; extensions: boolean };
  limits: LimitsOptions;
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
  /** History filled in the background once the server listens (from the in-process sandbox only). */
  backfill: StartupBackfillOptions;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
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
    },
    limits: {
      maxDepth: e.LIMIT_MAX_DEPTH,
      maxAliases: e.LIMIT_MAX_ALIASES,
      maxTokens: e.LIMIT_MAX_TOKENS,
      maxDirectives: e.LIMIT_MAX_DIRECTIVES,
      maxCost: e.LIMIT_MAX_COST,
      maxVariablesDepth: e.LIMIT_MAX_VARIABLES_DEPTH,
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
    backfill: { onStart: e.BACKFILL_ON_START, days: e.BACKFILL_START_DAYS, routes: e.BACKFILL_START_ROUTES },
    logLevel: e.LOG_LEVEL,
  };
}
