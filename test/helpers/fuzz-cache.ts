import { CacheChain } from '../../src/cache/chain.ts';
import { testLogger } from './databases.ts';
import { memoryTier } from './cache.ts';

/**
 * The real tier chain (a memory tier, as unit tests have no Redis or Postgres), observed: every
 * key written, as its callers name it (`rc…` response-cache entries, `apq:…` persisted
 * queries, entity keys), whichever of set, setMany or getOrSet wrote it.
 */
export class RecordingChain extends CacheChain {
  readonly writes: string[] = [];

  override setMany(items: Parameters<CacheChain['setMany']>[0]): Promise<void> {
    for (const { key } of items) this.writes.push(key);
    return super.setMany(items);
  }
}

/** A recording chain with the settings of test/helpers/cache.ts `chain`. */
export function recordingChain(keyPrefix: string): RecordingChain {
  return new RecordingChain({
    keyPrefix,
    memory: memoryTier(),
    shared: [],
    logger: testLogger,
    guard: { timeoutMs: 200, failureThreshold: 3, resetAfterMs: 300 },
    compressAboveBytes: 8192,
    memorySafetyTtlMs: 5000,
    maxLifetimeMs: 24 * 3600 * 1000,
  });
}

/** What a key written to the chain is, by the prefix its writer gives it. */
export function kindOfKey(key: string): 'response' | 'persisted-query' | 'entity' {
  if (key.startsWith('rc')) return 'response';
  if (key.startsWith('apq:')) return 'persisted-query';
  return 'entity';
}
