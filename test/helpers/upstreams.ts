import type { CacheChain } from '../../src/cache/chain.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { createEntities, type Entities, type SourceSettings } from '../../src/entities/create-entities.ts';
import { createSandbox, loadWorld, type KnobsPatch, type ListeningSandbox, type Sandbox } from '../../src/sandbox/index.ts';
import { testLogger } from './databases.ts';

const settings = (url: string, overrides: Partial<SourceSettings> = {}): SourceSettings => ({
  url,
  timeoutMs: 2000,
  retries: 0,
  pricePerCall: 0,
  breaker: { failures: 1000, resetMs: 1000 },
  ...overrides,
});

/**
 * Upstreams that are not there (a closed loopback port): for gateways whose tests ask no
 * flights or weather. Asking anyway is UPSTREAM_UNAVAILABLE, as with a real outage.
 */
export function noUpstreams(database: DatabaseHandle, cache?: CacheChain): Entities {
  return createEntities({
    config: { flights: settings('http://127.0.0.1:9/v1', { key: 'none' }), weather: settings('http://127.0.0.1:9') },
    db: database.db,
    cache,
    logger: testLogger,
  });
}

export interface TestSandbox {
  sandbox: Sandbox;
  listening: ListeningSandbox;
  /** Entities (sources, entity caches, history) pointed at this sandbox over HTTP. */
  entities(cache?: CacheChain, overrides?: Partial<SourceSettings>): Entities;
  close(): Promise<void>;
}

/** The sandbox over HTTP on a free port, its world read from `database`'s reference data. */
export async function startTestSandbox(database: DatabaseHandle, knobs: KnobsPatch = {}): Promise<TestSandbox> {
  const sandbox = createSandbox(await loadWorld(database.db), { knobs });
  const listening = await sandbox.listen(0, '127.0.0.1');
  const made: Entities[] = [];
  return {
    sandbox,
    listening,
    entities(cache, overrides) {
      const entities = createEntities({
        config: { flights: settings(`${listening.url}/v1`, { key: 'test', ...overrides }), weather: settings(listening.url, { batchSize: 100, ...overrides }) },
        db: database.db,
        cache,
        logger: testLogger,
      });
      made.push(entities);
      return entities;
    },
    async close() {
      await Promise.all(made.map((e) => e.close()));
      await listening.close();
    },
  };
}
