import { describe, expect, it } from 'vitest';
import { EntityStore, type EntityKind } from '../../src/entities/entity-store.ts';
import { createLogger } from '../../src/logger.ts';
import { chain } from '../helpers/cache.ts';

const logger = createLogger('silent');
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

/** A kind whose upstream answers every station with its name, recording each call's keys. */
function stations(options: Partial<EntityKind<string, string>> = {}) {
  const calls: string[][] = [];
  let fail: Error | undefined;
  const kind: EntityKind<string, string> = {
    name: 'station',
    id: (s) => s,
    ttlMs: 60_000,
    graceMs: 60_000,
    tags: (s) => [`Station:${s}`],
    fetch: async (keys) => {
      calls.push([...keys].sort());
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw fail;
      return new Map(keys.map((k) => [k, k === 'NONE' ? null : `report of ${k}`]));
    },
    revive: (v) => v as string,
    ...options,
  };
  return { kind, calls, failWith: (err: Error | undefined) => (fail = err) };
}

describe('the entity store', () => {
  it('gathers the keys of every caller within its batch window into one upstream call', async () => {
    const upstream = stations({ batchWindowMs: 10 });
    const store = new EntityStore(upstream.kind, chain({ keyPrefix: 'entity-store-test:' }), logger);
    const answers = await Promise.all([store.loadMany(['KORD']), store.loadMany(['KDEN', 'KORD']), store.loadMany(['KSEA'])]);
    expect(answers.map((a) => a.map((e) => (e as { value: string }).value))).toEqual([['report of KORD'], ['report of KDEN', 'report of KORD'], ['report of KSEA']]);
    expect(upstream.calls).toEqual([['KDEN', 'KORD', 'KSEA']]);
  });

  it('calls at once without a window, and never twice for a key already being fetched', async () => {
    const upstream = stations();
    const store = new EntityStore(upstream.kind, chain({ keyPrefix: 'entity-store-test-2:' }), logger);
    const first = store.loadMany(['A', 'B']);
    const second = store.loadMany(['B', 'C']);
    await Promise.all([first, second]);
    expect(upstream.calls).toEqual([['A', 'B'], ['C']]);
    // Cached now, absence included: no call at all.
    await store.loadMany(['A', 'B', 'C', 'NONE']);
    await store.loadMany(['NONE']);
    expect(upstream.calls).toEqual([['A', 'B'], ['C'], ['NONE']]);
  });

  it('serves a stale entity within grace and refreshes stale keys in one call, in the background', async () => {
    const upstream = stations({ ttlMs: 1, batchWindowMs: 5 });
    const store = new EntityStore(upstream.kind, chain({ keyPrefix: 'entity-store-test-3:' }), logger);
    await store.loadMany(['A', 'B', 'C']);
    await settle();
    const stale = await store.loadMany(['A', 'B', 'C']);
    expect(stale.map((e) => (e as { source: string }).source)).toEqual(['stale', 'stale', 'stale']);
    await settle();
    expect(upstream.calls).toEqual([['A', 'B', 'C'], ['A', 'B', 'C']]);
  });

  it('falls back to the newest history when the upstream fails, and to the error where there is none', async () => {
    const upstream = stations({
      fallback: async (keys) => new Map(keys.filter((k) => k === 'OLD').map((k) => [k, { value: `recorded ${k}`, observedAt: new Date(1_000) }])),
    });
    const store = new EntityStore(upstream.kind, chain({ keyPrefix: 'entity-store-test-4:' }), logger);
    upstream.failWith(new Error('upstream down'));
    const [old, fresh] = await store.loadMany(['OLD', 'NEW']);
    expect(old).toEqual({ value: 'recorded OLD', source: 'history', fetchedAt: 1_000 });
    expect(fresh).toBeInstanceOf(Error);
    // Nothing recorded was cached: the next call tries the upstream again.
    upstream.failWith(undefined);
    expect(await store.loadMany(['OLD'])).toEqual([expect.objectContaining({ value: 'report of OLD', source: 'upstream' })]);
  });

  it("tells its listeners what each call answered, so derived entities are cached with it", async () => {
    const upstream = stations();
    const store = new EntityStore(upstream.kind, undefined, logger);
    const told: string[] = [];
    store.onFetched(async (answers) => void told.push(...answers.map((a) => `${a.key}=${a.value}`)));
    await store.loadMany(['A', 'NONE']);
    expect(told).toEqual(['A=report of A', 'NONE=null']);
  });
});
