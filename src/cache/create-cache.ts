import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.ts';
import { createRedisBus } from './bus.ts';
import { CacheChain } from './chain.ts';
import type { TierCallObserver } from './guard.ts';
import { MemoryTier } from './memory-tier.ts';
import { createPostgresTier, type PostgresTier } from './postgres-tier.ts';
import { createRedisTier } from './redis-tier.ts';
import type { SharedTier } from './tier.ts';

/** The chain's settings, assembled by config.ts from the environment. */
export interface CacheConfig {
  /** Redis for the shared L2 and the invalidation bus; absent: memory → Postgres only. */
  redis?: { url: string; cluster: boolean };
  keyPrefix: string;
  memoryMaxBytes: number;
  memoryMaxEntryBytes: number;
  /** Memory entries live at most this long while no bus would tell this instance of invalidations. */
  memorySafetyTtlMs: number;
  tierTimeoutMs: number;
  breakerFailures: number;
  breakerResetMs: number;
  compressAboveBytes: number;
  maxLifetimeMs: number;
  /** 0 turns the prune job off. */
  pruneIntervalMs: number;
  /** How often an instance tells the others on the bus that it is alive. */
  busHeartbeatMs: number;
  /** How long an invalidation waits for every live instance to acknowledge it (0: does not wait). */
  invalidationAckTimeoutMs: number;
}

export interface CacheDeps {
  config: CacheConfig;
  logger: Logger;
  /** The Postgres the L3 tier uses (a server, or the embedded PGlite's socket); absent: no L3. */
  postgresUrl?: string;
  /**
   * No other gateway uses this Postgres (see CacheBackend.singleInstance). Without Redis, memory
   * entries then keep their whole TTL instead of the safety TTL: the cap exists for invalidations
   * made by other instances, and there are none. Default: false.
   */
  singleInstance?: boolean;
  /** Told of every Redis and Postgres call the chain makes through its guards (metrics). Default: none. */
  onTierCall?: TierCallObserver;
}

export interface Cache {
  chain: CacheChain;
  /** The L3 tier, for the prune job and `contrail cache prune`. */
  postgres?: PostgresTier;
  close(): Promise<void>;
}

/**
 * Builds the chain the config describes: memory always; Redis (and its bus) with a Redis URL;
 * Postgres with a Postgres URL. Shared tiers that are down at start-up are misses until they
 * come back, never a failed start.
 */
export async function createCache({ config, logger, postgresUrl, singleInstance = false, onTierCall }: CacheDeps): Promise<Cache> {
  const memory = new MemoryTier({ maxBytes: config.memoryMaxBytes, maxEntryBytes: config.memoryMaxEntryBytes, logger });
  const shared: SharedTier[] = [];
  const connectTimeoutMs = Math.max(config.tierTimeoutMs, 1000);
  const redis = config.redis ? await createRedisTier({ ...config.redis, connectTimeoutMs, logger, keyPrefix: config.keyPrefix }) : undefined;
  if (redis) shared.push(redis.tier);
  const postgres = postgresUrl ? createPostgresTier({ url: postgresUrl, timeoutMs: config.tierTimeoutMs, logger }) : undefined;
  if (postgres) shared.push(postgres);

  const chain = new CacheChain({
    memory,
    shared,
    logger,
    keyPrefix: config.keyPrefix,
    guard: { timeoutMs: config.tierTimeoutMs, failureThreshold: config.breakerFailures, resetAfterMs: config.breakerResetMs, onCall: onTierCall },
    compressAboveBytes: config.compressAboveBytes,
    // The cap applies while no bus tells of other instances' invalidations; alone, none can come.
    memorySafetyTtlMs: singleInstance && !redis ? Number.POSITIVE_INFINITY : config.memorySafetyTtlMs,
    maxLifetimeMs: config.maxLifetimeMs,
  });
  if (redis) {
    chain.attachBus(
      await createRedisBus({
        connection: redis.connection,
        channel: `${config.keyPrefix}invalidations`,
        instanceId: randomUUID(),
        logger,
        connectTimeoutMs,
        heartbeatMs: config.busHeartbeatMs,
        ackTimeoutMs: config.invalidationAckTimeoutMs,
        onMessage: chain.onBusMessage,
        onLost: chain.onBusLost,
        onResubscribed: chain.onBusResubscribed,
      }),
    );
  }

  let pruneTimer: NodeJS.Timeout | undefined;
  if (postgres && config.pruneIntervalMs > 0) {
    pruneTimer = setInterval(() => {
      postgres
        .prune()
        .then((removed) => (removed.entries || removed.tags) && logger.debug(removed, 'cache pruned'))
        .catch((err: Error) => logger.warn({ err: err.message }, 'cache prune failed'));
    }, config.pruneIntervalMs);
    pruneTimer.unref();
  }

  return {
    chain,
    postgres,
    async close() {
      clearInterval(pruneTimer);
      await chain.close();
    },
  };
}
