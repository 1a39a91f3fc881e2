import type { Authenticate } from '../auth/authenticator.ts';
import { closeRedis, connectWithin, createRedisConnection } from '../cache/redis-tier.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { createBudgets } from './budgets.ts';
import { createRateLimit, type RateLimit, type RateLimitOptions } from './create-rate-limit.ts';
import { partnerLimits } from './partner-limits.ts';

export interface StartRateLimitDeps {
  options: RateLimitOptions;
  /** The cache's Redis: budgets are shared there. Absent: each process counts its own. */
  redis?: { url: string; cluster: boolean };
  /** Prefix of the budgets' Redis keys (the cache's, plus `ratelimit`). */
  keyPrefix: string;
  /** How long a Redis call may take before the in-process count answers. */
  timeoutMs: number;
  db: Database;
  authenticate: Authenticate;
  logger: Logger;
}

/**
 * The server's rate limits, on one Redis connection of their own for the whole process: a
 * limit check never waits behind the cache's traffic, nor opens the cache's breaker. Redis
 * down at start-up is an in-process count until it answers, never a failed start.
 */
export async function startRateLimit({ options, redis, keyPrefix, timeoutMs, db, authenticate, logger }: StartRateLimitDeps): Promise<{ rateLimit: RateLimit; close(): Promise<void> }> {
  const connectTimeoutMs = Math.max(timeoutMs, 1000);
  const connection = redis ? createRedisConnection({ ...redis, connectTimeoutMs, logger }) : undefined;
  // Not reachable yet: the first take says so (once per outage), and the client keeps trying.
  if (connection) await connectWithin(connection, connectTimeoutMs);
  const budgets = createBudgets({ redis: connection, keyPrefix, timeoutMs, logger });
  const rateLimit = createRateLimit({ options, budgets, authenticate, partnerLimitOf: partnerLimits(db, { cacheMs: options.partnerLimitCacheMs, logger }) });
  return { rateLimit, close: async () => connection && closeRedis(connection) };
}
