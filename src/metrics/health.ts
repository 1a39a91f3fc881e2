import { PartDown, type HealthOptions, type HealthProbe } from '../../plugins/use-health.ts';
import type { CacheChain } from '../cache/chain.ts';
import type { TierName } from '../cache/tier.ts';
import type { DatabaseHandle } from '../db/database.ts';
import type { BreakerState } from '../resilience/breaker.ts';

/** What /health looks at: the database, the tier chain, and the upstreams' breakers. */
export interface HealthParts {
  database: Pick<DatabaseHandle, 'ping'>;
  cache?: CacheChain;
  /** Each upstream's breaker (`flights`, `weather`): never called for health, a paid upstream bills per call. */
  upstreams: Record<string, { breakerState(): BreakerState }>;
}

const RECOMMENDATIONS: Record<string, string> = {
  database:
    'The database does not answer: only cache hits are served. Check DATABASE_URL and the PostgreSQL server (or, embedded, the data folder and its owner process).',
  'tiers.redis':
    'Redis does not answer: answers come from memory and Postgres, and other instances hear of invalidations only through the Postgres tier. Check REDIS_URL and the Redis server; the tier is tried again every CACHE_BREAKER_RESET_MS.',
  'tiers.postgres':
    'The Postgres cache tier does not answer: entries live in memory (and Redis) only, and are lost on restart. Check the database connection; the tier is tried again every CACHE_BREAKER_RESET_MS.',
  'upstreams.flights':
    "The flights upstream is failing (breaker open): flights are answered from stale entities and recorded history, flagged isHistorical. Check FLIGHTS_API_URL, FLIGHTS_API_KEY and the provider's status; it is tried again after UPSTREAM_BREAKER_RESET_MS.",
  'upstreams.weather':
    "The weather upstream is failing (breaker open): weather is answered from stale entities and recorded METARs. Check WEATHER_API_URL and the provider's status; it is tried again after UPSTREAM_BREAKER_RESET_MS.",
};

/**
 * One round trip per shared tier for a whole /health request, however many tiers ask: the
 * chain pings them all at once.
 */
function sharedPing(cache: CacheChain) {
  let last: { at: number; answer: Promise<Partial<Record<TierName, boolean>>> } | undefined;
  return () => {
    if (!last || performance.now() - last.at > 250) last = { at: performance.now(), answer: cache.ping() };
    return last.answer;
  };
}

function tierProbes(cache: CacheChain | undefined): Record<string, HealthProbe | null> {
  if (!cache) return { memory: null, redis: null, postgres: null };
  const ping = sharedPing(cache);
  const shared = (name: Exclude<TierName, 'memory'>): HealthProbe | null => {
    if (!cache.stats().tiers[name]) return null;
    return async () => {
      const up = (await ping())[name];
      const breaker = cache.stats().tiers[name]?.breaker ?? 'closed';
      if (!up) throw new PartDown(breaker === 'open' ? 'skipped: its breaker is open after repeated failures' : 'no answer', { breaker });
      return { breaker };
    };
  };
  return {
    // In this process: up while the process is; its figures say how full it is.
    memory: async () => ({ breaker: null, ...cache.stats().memory }),
    redis: shared('redis'),
    postgres: shared('postgres'),
  };
}

function upstreamProbes(upstreams: HealthParts['upstreams']): Record<string, HealthProbe> {
  return Object.fromEntries(
    Object.entries(upstreams).map(([name, client]) => [
      name,
      async () => {
        const breaker = client.breakerState();
        if (breaker === 'open') throw new PartDown('its breaker is open: recent calls failed', { breaker });
        return { breaker };
      },
    ]),
  );
}

/** /health's parts for the gateway: the database required, cache tiers and upstreams optional. */
export function gatewayHealth({ database, cache, upstreams }: HealthParts): Pick<HealthOptions, 'required' | 'optional' | 'recommend'> {
  return {
    required: { database: async () => void (await database.ping()) },
    optional: { tiers: tierProbes(cache), upstreams: upstreamProbes(upstreams) },
    recommend: (part) => RECOMMENDATIONS[part],
  };
}
