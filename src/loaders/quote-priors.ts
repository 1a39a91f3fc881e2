import { LRUCache } from 'lru-cache';
import type { Database } from '../db/database.ts';
import { priorHistories, type LevelCounts, type PriorKey, type QuoteHistoryKey } from '../sql/quote-history.ts';

/** How long a prior level's counts are kept: counts over 90 days barely move in 10 minutes. */
export const QUOTE_PRIORS_TTL_MS = 10 * 60_000;

export interface Priors {
  airline: LevelCounts;
  origin: LevelCounts;
  network: LevelCounts;
}

export type QuotePriors = (keys: readonly QuoteHistoryKey[]) => Promise<Priors[]>;

const idOf = (key: PriorKey) => `${key.level}:${key.code}:${key.threshold}`;

/**
 * The prior levels quotes are shrunk toward, kept across requests: the network's counts are the
 * whole window, far too much to count per quote, and every quote from one airline or airport
 * shares theirs. Counts missing for a batch are asked in one statement; a count being asked is
 * shared by every request that needs it meanwhile; a failed statement keeps nothing.
 */
export function createQuotePriors(db: Database, days: number, ttlMs = QUOTE_PRIORS_TTL_MS): QuotePriors {
  const kept = new LRUCache<string, Promise<LevelCounts>>({ max: 20_000, ttl: ttlMs });

  function countsFor(keys: PriorKey[]): Promise<LevelCounts>[] {
    const missing = keys.filter((key, i) => !kept.has(idOf(key)) && keys.findIndex((other) => idOf(other) === idOf(key)) === i);
    if (missing.length) {
      const asked = priorHistories(db, missing, days);
      missing.forEach((key, i) => {
        const id = idOf(key);
        const counts = asked.then((rows) => rows[i]!.counts);
        counts.catch(() => kept.delete(id));
        kept.set(id, counts);
      });
    }
    return keys.map((key) => kept.get(idOf(key))!);
  }

  return async (keys) => {
    const wanted = keys.flatMap((k): PriorKey[] => [
      { level: 'airline', code: k.airline, threshold: k.delayThresholdMinutes },
      { level: 'origin', code: k.origin, threshold: k.delayThresholdMinutes },
      { level: 'network', code: '', threshold: k.delayThresholdMinutes },
    ]);
    const counts = await Promise.all(countsFor(wanted));
    return keys.map((_, i) => ({ airline: counts[3 * i]!, origin: counts[3 * i + 1]!, network: counts[3 * i + 2]! }));
  };
}
