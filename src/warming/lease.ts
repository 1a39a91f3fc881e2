import { closeRedis, connectWithin, createRedisConnection, type RedisConnection } from '../cache/redis-tier.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { startRun, startSlotRun, type WarmingRun } from './runs.ts';

/** Who runs a schedule's slot: the first instance to claim it; the others skip it. */
export interface SlotLease {
  /** The run started for this slot, or null when another instance (or an earlier call) has it. */
  claim(name: string, slot: Date, detail: Record<string, unknown>): Promise<WarmingRun | null>;
  close(): Promise<void>;
}

export interface SlotLeaseOptions {
  db: Database;
  logger: Logger;
  /** Leases are taken in Redis when set (SET NX PX); otherwise, and while Redis fails, in Postgres. */
  redis?: { url: string; cluster: boolean; keyPrefix: string };
  /** How long a Redis lease is held: longer than any run, so a late instance finds the slot taken. Default: 26 h. */
  holdMs?: number;
  /** How long to wait for Redis at start. Default: 1000 ms. */
  connectTimeoutMs?: number;
}

const SET_NX_PX = "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])";

/** A Postgres lease: the run's own row, under an advisory lock (see startSlotRun). */
export function postgresLease(db: Database): SlotLease {
  return { claim: (name, slot, detail) => startSlotRun(db, name, slot, detail), close: async () => undefined };
}

/**
 * A Redis lease per schedule slot (`<prefix>warming:lease:<name>:<slot ISO>`), set only if
 * absent and held for `holdMs`. While Redis cannot answer, the Postgres lease decides.
 */
export async function createSlotLease({ db, logger, redis, holdMs = 26 * 3600_000, connectTimeoutMs = 1000 }: SlotLeaseOptions): Promise<SlotLease> {
  const fallback = postgresLease(db);
  if (!redis) return fallback;
  const connection: RedisConnection = createRedisConnection({ url: redis.url, cluster: redis.cluster, connectTimeoutMs, logger });
  const problem = await connectWithin(connection, connectTimeoutMs);
  if (problem) logger.warn({ err: problem }, 'warming: Redis does not answer; schedule slots are leased in Postgres until it does');
  const holder = `${process.pid}:${Math.random().toString(36).slice(2)}`;
  return {
    async claim(name, slot, detail) {
      let taken: unknown;
      try {
        taken = await connection.eval(SET_NX_PX, { keys: [`${redis.keyPrefix}warming:lease:${name}:${slot.toISOString()}`], arguments: [holder, String(holdMs)] });
      } catch (err) {
        logger.warn({ err: (err as Error).message, schedule: name }, 'warming: Redis lease failed; leasing the slot in Postgres');
        return fallback.claim(name, slot, detail);
      }
      if (taken !== 'OK') return null;
      return startRun(db, `schedule:${name}`, { ...detail, slot: slot.toISOString() });
    },
    close: () => closeRedis(connection),
  };
}
