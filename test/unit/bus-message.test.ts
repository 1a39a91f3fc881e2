import { describe, expect, it } from 'vitest';
import { readMessage } from '../../src/cache/bus-message.ts';
import { createCache } from '../../src/cache/create-cache.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';

function recording() {
  const lines: any[] = [];
  return { lines, logger: createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

describe('reading a bus message', () => {
  it('reads each kind of message, and an older instance’s invalidation (no type, no id) as an invalidation', () => {
    const { logger, lines } = recording();
    expect(readMessage('{"type":"invalidate","from":"a","id":"m1","tags":["p:T"],"at":5}', logger)).toEqual({
      type: 'invalidate',
      from: 'a',
      id: 'm1',
      tags: ['p:T'],
      at: 5,
      keys: undefined,
    });
    expect(readMessage('{"from":"old","keys":["p:k"]}', logger)).toEqual({ type: 'invalidate', from: 'old', keys: ['p:k'], tags: undefined, at: undefined, id: undefined });
    expect(readMessage('{"type":"heartbeat","from":"a"}', logger)).toEqual({ type: 'heartbeat', from: 'a', hello: false });
    expect(readMessage('{"type":"heartbeat","from":"a","hello":true}', logger)).toEqual({ type: 'heartbeat', from: 'a', hello: true });
    expect(readMessage('{"type":"bye","from":"a"}', logger)).toEqual({ type: 'bye', from: 'a' });
    expect(readMessage('{"type":"ack","from":"b","id":"m1"}', logger)).toEqual({ type: 'ack', from: 'b', id: 'm1' });
    expect(lines).toEqual([]);
  });

  it('ignores garbled, unknown and ill-shaped messages, logging each at debug', () => {
    const { logger, lines } = recording();
    const garbage = [
      'not json',
      'null',
      '42',
      '[1,2]',
      '{"from":5}',
      '{"type":"gossip","from":"a"}',
      '{"type":"ack","from":"a"}',
      '{"from":"a","tags":"p:T"}',
      '{"from":"a","keys":[1]}',
      '{"from":"a","tags":["p:T"],"at":"yesterday"}',
      '{"from":"a","tags":["p:T"],"id":7}',
    ];
    expect(garbage.map((raw) => readMessage(raw, logger))).toEqual(garbage.map(() => undefined));
    expect(lines.map((line) => line.level)).toEqual(garbage.map(() => 20));
  });
});

describe('a cache without Redis', () => {
  it('has no bus, and an invalidation waits for nobody', async () => {
    const cache = await createCache({ config: loadConfig({ CACHE_PRUNE_INTERVAL_MS: '0' }).cache, logger: createLogger('silent') });
    try {
      expect(cache.chain.stats().bus).toBeNull();
      await cache.chain.set('k', 'v', { ttl: 60_000, tags: ['T'] });
      const started = performance.now();
      await cache.chain.invalidateTags(['T']);
      // Well under the 250 ms ack timeout (a busy machine may add a few ms).
      expect(performance.now() - started).toBeLessThan(100);
      expect(await cache.chain.get('k')).toBeUndefined();
    } finally {
      await cache.close();
    }
  });
});
