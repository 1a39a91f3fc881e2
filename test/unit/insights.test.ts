import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { CacheOutcome } from '../../plugins/response-cache/outcome.ts';
import { createInsightsRecorder, TRUNCATED_KEY_CHARS } from '../../src/insights/recorder.ts';

function scripted(maxKeys?: number) {
  let clock = 0;
  const recorder = createInsightsRecorder({ now: () => clock, maxKeys });
  const at = (seconds: number, outcome: Partial<CacheOutcome> & Pick<CacheOutcome, 'outcome'>) => {
    clock = seconds * 1000;
    recorder.observe({ scope: 'PUBLIC', operationName: 'A', path: 'yoga', ...outcome });
  };
  return { recorder, at };
}

describe('cache insights', () => {
  it('reports the actual hit rate beside the achievable one for a scripted sequence', () => {
    const { recorder, at } = scripted();
    const k1 = { key: 'k1', ttlSeconds: 60, bytes: 1000 };
    at(0, { outcome: 'miss', ...k1 });
    at(10, { outcome: 'hit', tier: 'memory', ...k1 });
    at(20, { outcome: 'miss', key: 'k2', ttlSeconds: 60, bytes: 500 });
    // Evicted (or invalidated) although within its TTL: a hit the ideal cache would have had.
    at(30, { outcome: 'miss', ...k1 });
    // Past its TTL (stored at 0, 60 s): a longer TTL would have served it.
    at(70, { outcome: 'miss', ...k1 });
    at(80, { outcome: 'hit', tier: 'redis', ...k1 });
    const k3 = { key: 'k3', ttlSeconds: 300, bytes: 200_000, scope: 'AUTHENTICATED' as const, operationName: 'B' };
    at(90, { outcome: 'miss', ...k3 });
    at(100, { outcome: 'stale', tier: 'memory', ...k3 });
    at(110, { outcome: 'uncacheable', operationName: 'B' });
    at(115, { outcome: 'bypass', key: 'k3', operationName: 'B' });
    at(120, { outcome: 'shared', key: 'k4', ttlSeconds: 300, scope: 'AUTHENTICATED', operationName: 'B' });

    const report = recorder.report();
    expect(report).toMatchObject({ requests: 9, hits: 3, hitRate: 0.3333, achievableHits: 4, achievableHitRate: 0.4444 });
    expect(report.scopes).toEqual([
      { scope: 'PUBLIC', requests: 6, hits: 2, hitRate: 0.3333 },
      { scope: 'AUTHENTICATED', requests: 3, hits: 1, hitRate: 0.3333 },
    ]);
    expect(report.operations).toEqual([
      {
        operationName: 'A',
        requests: 6,
        hits: 2,
        misses: 4,
        hitRate: 0.3333,
        ttlSeconds: 60,
        expiredRepeats: 1,
        suggestion: '1 of its 4 misses asked again after its 60 s TTL ran out: a longer TTL (CACHE_TTL_OVERRIDES for its types) would have served them',
      },
      { operationName: 'B', requests: 3, hits: 1, misses: 2, hitRate: 0.3333, ttlSeconds: 300, expiredRepeats: 0, suggestion: null },
    ]);
    expect(report.largestEntries.map(({ key, bytes }) => [key, bytes])).toEqual([
      ['k3', 200_000],
      ['k1', 1000],
      ['k2', 500],
    ]);
    expect(report.largestEntries[0]!.suggestion).toBe('195 KB: select fewer fields or ask for smaller pages (first:) so more answers fit in memory');
    expect(report.topKeys).toEqual([
      { key: 'k1', operationName: 'A', hits: 2 },
      { key: 'k3', operationName: 'B', hits: 1 },
    ]);
  });

  it('forgets the least recently seen keys beyond its bound: their repeats count as unachievable', () => {
    const { recorder, at } = scripted(2);
    for (const [t, key] of [[0, 'a'], [1, 'b'], [2, 'c'], [3, 'a']] as const) at(t, { outcome: 'miss', key, ttlSeconds: 60, bytes: 10 });
    expect(recorder.report()).toMatchObject({ requests: 4, hits: 0, achievableHits: 0 });
    at(4, { outcome: 'miss', key: 'c', ttlSeconds: 60, bytes: 10 });
    expect(recorder.report().achievableHits).toBe(1);
  });

  it('starts over on reset', () => {
    const { recorder, at } = scripted();
    at(0, { outcome: 'miss', key: 'a', ttlSeconds: 60 });
    recorder.reset();
    expect(recorder.report()).toMatchObject({ requests: 0, hitRate: 0, achievableHitRate: 0, operations: [], topKeys: [] });
  });

  it('does not count a miss whose answer was not stored (an error): it never becomes a key', () => {
    const { recorder, at } = scripted();
    at(0, { outcome: 'miss', key: 'failed', ttlSeconds: 60 });
    at(1, { outcome: 'miss', key: 'failed', ttlSeconds: 60 });
    at(2, { outcome: 'miss', key: 'stored', ttlSeconds: 60, bytes: 100 });
    expect(recorder.report()).toMatchObject({ requests: 1, hits: 0, achievableHits: 0, operations: [{ operationName: 'A', requests: 1, misses: 1 }] });
  });

  it('keeps 1,000 outcomes of 100 KB keys under its byte bound, and shows keys truncated', () => {
    // A GC on demand, so what the recorder retains can be measured.
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    const maxBytes = 1024 * 1024;
    const recorder = createInsightsRecorder({ maxBytes });
    // As plugins/response-cache/key.ts keys an anonymous `{countries{code}}` sent with a new junk variable each time.
    const keyOf = (i: number) => `rc2|schema|doc|null|{"junk":"${String(i).padStart(6, '0')}${'x'.repeat(100 * 1024)}"}|public`;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1000; i++) {
      const key = keyOf(i);
      recorder.observe({ outcome: 'miss', scope: 'PUBLIC', operationName: null, key, ttlSeconds: 60, bytes: 50, path: 'yoga' });
      recorder.observe({ outcome: 'hit', tier: 'memory', scope: 'PUBLIC', operationName: null, key, ttlSeconds: 60, bytes: 50, path: 'fast' });
    }
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    // 1,000 keys of 100 KB would be 100 MB; the recorder's bound is 1 MB (slack for the heap's own noise).
    expect(retained).toBeLessThan(4 * maxBytes);
    const report = recorder.report({ top: 3 });
    expect(report).toMatchObject({ requests: 2000, hits: 1000 });
    expect(report.topKeys).toHaveLength(3);
    for (const { key, hits } of report.topKeys) {
      expect(hits).toBe(1);
      expect(key.length).toBeLessThanOrEqual(TRUNCATED_KEY_CHARS + 1);
      expect(key).toMatch(/^rc2\|schema\|doc\|null\|\{"junk":"\d{6}x+…$/);
    }
    expect(report.largestEntries[0]!.key.length).toBeLessThanOrEqual(TRUNCATED_KEY_CHARS + 1);
  });
});
