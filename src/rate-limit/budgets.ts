import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisConnection } from '../cache/redis-tier.ts';
import type { Logger } from '../logger.ts';
import { CircuitBreaker } from '../resilience/breaker.ts';
import { withTimeout } from '../resilience/timeout.ts';

/** How many points a key may spend per window. */
export interface Allowance {
  points: number;
  durationSeconds: number;
}

/** What a take left of a budget. */
export interface Charge {
  allowed: boolean;
  limit: number;
  /** Points left in the window after this take; for a refused one, what is left once it is refunded. */
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
  /** Seconds until the window resets, rounded up. */
  readonly resetSeconds: number;
  /** Gives the points back: the work they paid for did not happen. */
  refund(): Promise<void>;
}

export interface BudgetsOptions {
  /** Shared budgets, counted atomically in Redis; absent: each process counts its own. */
  redis?: RedisConnection;
  /** Prefix of every Redis key (`<prefix>:<key>`). Required. */
  keyPrefix: string;
  /** A Redis call that takes longer fails over to the in-process count. Default: 100 ms. */
  timeoutMs?: number;
  /** Consecutive Redis failures after which Redis is not asked for `resetAfterMs`. Default: 5 and 2000 ms. */
  breaker?: { failureThreshold: number; resetAfterMs: number };
  logger: Logger;
}

export interface Budgets {
  /** Takes `points` from `key`'s budget; a take that does not fit is refused (and still counted, unless refunded). */
  take(key: string, points: number, allowance: Allowance): Promise<Charge>;
  /** Takes answered in-process because Redis was configured but did not answer: for metrics. */
  fallbacks(): number;
}

/** One allowance's limiters: in Redis when configured, and in process memory for when Redis does not answer. */
interface Limiters {
  allowance: Allowance;
  shared?: RateLimiterRedis;
  local: RateLimiterMemory;
}

/** Either call on a limiter: the name, not a closure, so a take allocates none. */
type Op = 'consume' | 'reward';

/**
 * A take's outcome. A class rather than a literal with a refund closure: admission takes on
 * every request, cache hits included, and this is its one object per take.
 */
class Take implements Charge {
  constructor(
    readonly allowed: boolean,
    readonly remaining: number,
    readonly resetMs: number,
    private readonly limiters: Limiters,
    private readonly key: string,
    private readonly points: number,
    private readonly run: (limiters: Limiters, op: Op, key: string, points: number) => Promise<RateLimiterRes>,
  ) {}

  get limit(): number {
    return this.limiters.allowance.points;
  }

  get resetSeconds(): number {
    return Math.max(Math.ceil(this.resetMs / 1000), 0);
  }

  async refund(): Promise<void> {
    await this.run(this.limiters, 'reward', this.key, this.points);
  }
}

/** A refusal comes back from the library as a rejection: here it is an answer like any other. */
async function call(limiter: RateLimiterAbstract, op: Op, key: string, points: number): Promise<RateLimiterRes> {
  try {
    return await limiter[op](key, points);
  } catch (err) {
    if (err instanceof RateLimiterRes) return err;
    throw err;
  }
}

/**
 * Point budgets per key and window (rate-limiter-flexible's fixed windows), in Redis when it
 * answers — one atomic script per take, so every instance spends from one budget — and in
 * process memory when it does not: limits then hold per instance rather than not at all.
 * An outage is logged once when it starts and once when it ends.
 */
export function createBudgets({ redis, keyPrefix, timeoutMs = 100, breaker: breakerOptions, logger }: BudgetsOptions): Budgets {
  const limiters = new Map<string, Limiters>();
  // The same allowance object is passed on every take (the rate limit keeps one per budget):
  // found by identity, it costs no name built per take.
  const byAllowance = new WeakMap<Allowance, Limiters>();
  const breaker = new CircuitBreaker(breakerOptions ?? { failureThreshold: 5, resetAfterMs: 2000 });
  let fallbacks = 0;
  let outage = false;

  function limitersFor(allowance: Allowance): Limiters {
    const known = byAllowance.get(allowance);
    if (known) return known;
    const { points, durationSeconds } = allowance;
    const name = `${points}/${durationSeconds}`;
    let found = limiters.get(name);
    if (!found) {
      const common = { keyPrefix, points, duration: durationSeconds };
      found = {
        allowance: { points, durationSeconds },
        // node-redis v5's eval/multi signatures; not ready (reconnecting): refuse at once, don't queue.
        shared: redis ? new RateLimiterRedis({ ...common, storeClient: redis, useRedisPackage: true, rejectIfRedisNotReady: true }) : undefined,
        local: new RateLimiterMemory(common),
      };
      limiters.set(name, found);
    }
    byAllowance.set(allowance, found);
    return found;
  }

  function fellBack(err: unknown): void {
    fallbacks++;
    if (outage) return;
    outage = true;
    logger.warn({ err: (err as Error).message }, 'rate limits: Redis is not answering; each instance counts on its own until it does');
  }

  function answered(): void {
    breaker.succeeded();
    if (!outage) return;
    outage = false;
    logger.info('rate limits: Redis answers again; budgets are shared again');
  }

  /** The call on Redis when it may be asked, else (or when it fails) on the in-process limiter. */
  async function run({ shared, local }: Limiters, op: Op, key: string, points: number): Promise<RateLimiterRes> {
    if (!shared) return call(local, op, key, points);
    if (!breaker.tryAcquire()) {
      fellBack(new Error('circuit open after repeated failures'));
      return call(local, op, key, points);
    }
    try {
      const result = await withTimeout(call(shared, op, key, points), timeoutMs);
      answered();
      return result;
    } catch (err) {
      breaker.failed();
      fellBack(err);
      return call(local, op, key, points);
    }
  }

  return {
    async take(key, points, allowance) {
      const pair = limitersFor(allowance);
      const res = await run(pair, 'consume', key, points);
      // The library refuses exactly when the window's count passes the allowance.
      const allowed = res.consumedPoints <= allowance.points;
      const remaining = allowed ? res.remainingPoints : Math.max(allowance.points - (res.consumedPoints - points), 0);
      return new Take(allowed, remaining, res.msBeforeNext, pair, key, points, run);
    },
    fallbacks: () => fallbacks,
  };
}
