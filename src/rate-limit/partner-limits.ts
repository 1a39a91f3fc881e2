import { eq } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import { partners } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';

/** A partner's points per minute, by partner id; undefined when it cannot be read. */
export type PartnerLimitOf = (partnerId: string) => Promise<number | undefined>;

/**
 * Reads partners.rate_limit_per_minute, remembered for `cacheMs` so that admitting a request
 * costs no query: a changed limit applies within that time. A failed read is logged and not
 * remembered; the caller falls back to its default.
 */
export function partnerLimits(db: Database, { cacheMs, logger }: { cacheMs: number; logger: Logger }): PartnerLimitOf {
  const known = new LRUCache<string, { limit: number | undefined }>({ max: 10_000, ttl: Math.max(cacheMs, 1) });
  return async (partnerId) => {
    const found = known.get(partnerId);
    if (found) return found.limit;
    const id = Number(partnerId);
    if (!Number.isSafeInteger(id)) return undefined;
    try {
      const [row] = await db.select({ limit: partners.rateLimitPerMinute }).from(partners).where(eq(partners.id, id));
      const entry = { limit: row?.limit };
      if (cacheMs > 0) known.set(partnerId, entry);
      return entry.limit;
    } catch (err) {
      logger.warn({ err: (err as Error).message, partnerId }, 'rate limits: could not read a partner limit; using the default');
      return undefined;
    }
  };
}
