import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '../../src/cache/create-cache.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { busProbe, type BusProbe } from '../helpers/bus-probe.ts';
import { hasRedis, redisUrl, sleep, uniquePrefix } from '../helpers/cache.ts';
import { startCachePeer, type CachePeer } from '../helpers/cache-peer.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';

// Short enough for quick tests, long enough that two busy cores do not make a live process
// look dead (a peer is forgotten after 3 heartbeats unheard).
const HEARTBEAT = 250;
// Generous: on a loaded machine an ack may take long; the bound itself is tested with 150 ms.
const ACK_TIMEOUT = 2_000;

async function timed<T>(call: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await call();
  return { ms: performance.now() - started, result };
}

async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(5);
  }
}

/** A logger whose lines the test reads. */
function recordingLogger() {
  const lines: any[] = [];
  return { lines, logger: createLogger('warn', { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

describe.skipIf(!hasRedis || !hasPostgres)('the invalidation bus across processes', () => {
  let database: TestDatabase;
  let local: Cache;
  let peer: CachePeer;
  let probe: BusProbe;
  const prefix = uniquePrefix('bus');
  const channel = `${prefix}invalidations`;
  const env = {
    REDIS_URL: redisUrl!,
    CACHE_KEY_PREFIX: prefix,
    CACHE_PRUNE_INTERVAL_MS: '0',
    CACHE_BUS_HEARTBEAT_MS: String(HEARTBEAT),
    CACHE_INVALIDATION_ACK_TIMEOUT_MS: String(ACK_TIMEOUT),
  };

  beforeAll(async () => {
    database = await seededPostgres();
    probe = await busProbe(redisUrl!);
    await probe.listen(channel);
    local = await createCache({ config: loadConfig(env).cache, logger: testLogger, postgresUrl: database.url });
    peer = startCachePeer({ ...env, PEER_POSTGRES_URL: database.url! });
    await peer.ready;
    await eventually('each process knows the other', async () => local.chain.stats().bus!.peers === 1 && (await peer.stats()).bus!.peers === 1);
  }, 60_000);
  afterAll(async () => {
    await peer?.close();
    await local?.close();
    await probe?.removeKeys(prefix);
    await probe?.close();
    await database?.close();
  });

  /** Milliseconds until the peer stops serving `key` from its memory. */
  async function untilPeerForgets(key: string, started: number): Promise<number> {
    for (;;) {
      const found = await peer.get(key);
      if (!found || found.tier !== 'memory') return performance.now() - started;
      if (performance.now() - started > 2_000) throw new Error('the peer still serves the entry after 2 s');
      await sleep(2);
    }
  }

  /** Writes `key` here and waits until the peer serves it from its own memory. */
  async function inPeerMemory(key: string, value: string, tags: string[] = []) {
    await local.chain.set(key, value, { ttl: 60_000, tags });
    await eventually(`the peer holds ${key} in memory`, async () => (await peer.get(key))?.tier === 'memory');
  }

  it('a tag invalidation here reaches the other process’s memory before it returns', async () => {
    await local.chain.set('airport:JFK', 'JFK v1', { ttl: 60_000, tags: ['Airport:JFK'] });
    // The write's own bus message (forget older copies of this key) must land before the peer caches it.
    await sleep(50);
    expect(await peer.get('airport:JFK')).toEqual({ value: 'JFK v1', tier: 'redis' });
    expect(await peer.get('airport:JFK')).toEqual({ value: 'JFK v1', tier: 'memory' });

    await local.chain.invalidateTags(['Airport:JFK']);
    expect(await peer.get('airport:JFK')).toBeNull();
  });

  it('a delete here reaches the other process’s memory before it returns; an overwrite, within 100 ms of it', async () => {
    await local.chain.set('k', 'first', { ttl: 60_000 });
    await sleep(50);
    await peer.get('k');
    expect(await peer.get('k')).toEqual({ value: 'first', tier: 'memory' });

    // A write is told to the others without waiting for them.
    await local.chain.set('k', 'second', { ttl: 60_000 });
    expect(await untilPeerForgets('k', performance.now())).toBeLessThan(100);
    expect((await peer.get('k'))?.value).toBe('second');
    expect((await peer.get('k'))?.tier).toBe('memory');

    await local.chain.delete('k');
    expect(await peer.get('k')).toBeNull();
  });

  it('once invalidateTags has resolved here, a read fired at the other process that moment never returns the old entry (30 rounds)', async () => {
    const before = local.chain.stats().bus!.ackTimeouts;
    const stale: unknown[] = [];
    for (let round = 0; round < 30; round++) {
      const key = `round:${round}`;
      await inPeerMemory(key, `old ${round}`, [`Round:${round}`]);
      await local.chain.invalidateTags([`Round:${round}`]);
      const found = await peer.get(key);
      if (found) stale.push({ round, ...found });
    }
    expect(stale).toEqual([]);
    expect(local.chain.stats().bus!.ackTimeouts).toBe(before);
  });

  it('once delete has resolved here, a read fired at the other process that moment never returns the deleted entry (10 rounds)', async () => {
    const stale: unknown[] = [];
    for (let round = 0; round < 10; round++) {
      const key = `deleted:${round}`;
      await inPeerMemory(key, `old ${round}`);
      await local.chain.delete(key);
      const found = await peer.get(key);
      if (found) stale.push({ round, ...found });
    }
    expect(stale).toEqual([]);
  });

  it('waits for a process slow to apply bus messages (30 ms): a read fired at it once invalidateTags resolves never returns the old entry', async () => {
    const slow = startCachePeer({ ...env, PEER_BUS_DELAY_MS: '30' });
    try {
      await slow.ready;
      await eventually('the slow process is known', () => local.chain.stats().bus!.peers === 2);
      const stale: unknown[] = [];
      for (let round = 0; round < 10; round++) {
        const key = `slow:${round}`;
        await local.chain.set(key, `old ${round}`, { ttl: 60_000, tags: [`Slow:${round}`] });
        // Let the write's own message (forget this key) land there first.
        await sleep(60);
        await slow.get(key);
        expect(await slow.get(key)).toEqual({ value: `old ${round}`, tier: 'memory' });
        const { ms } = await timed(() => local.chain.invalidateTags([`Slow:${round}`]));
        const found = await slow.get(key);
        if (found) stale.push({ round, ...found });
        expect(ms).toBeGreaterThanOrEqual(30);
      }
      expect(stale).toEqual([]);
    } finally {
      await slow.close();
    }
    await eventually('the slow process said goodbye', () => local.chain.stats().bus!.peers === 1, 200);
  });

  it('an invalidation made in the other process is acknowledged here, and reaches this memory before it returns', async () => {
    await local.chain.set('airport:LHR', 'LHR v1', { ttl: 60_000, tags: ['Airport:LHR'] });
    expect((await local.chain.get('airport:LHR'))?.tier).toBe('memory');
    await peer.invalidate(['Airport:LHR']);
    expect(local.chain.peekMemory('airport:LHR')).toBeUndefined();
    expect((await peer.stats()).bus).toMatchObject({ healthy: true, peers: 1, ackTimeouts: 0 });
  });

  it('knows a new process as a live peer within one heartbeat, forgets it within three once it is killed, and stops waiting for it', async () => {
    const second = startCachePeer({ ...env, PEER_POSTGRES_URL: database.url! });
    try {
      await second.ready;
      const known = await timed(() => eventually('the new process is known', () => local.chain.stats().bus!.peers === 2));
      // Its hello on subscribing is answered at once: no need to wait for a heartbeat.
      expect(known.ms).toBeLessThan(HEARTBEAT);

      second.kill('SIGKILL');
      await second.exited;
      const killedAt = performance.now();
      // Still thought alive: this invalidation waits for it, until it is forgotten (not the whole ack timeout).
      const waiting = await timed(() => local.chain.invalidateTags(['Airport:KILLED']));
      const forgotten = await eventually('the killed process is forgotten', () => local.chain.stats().bus!.peers === 1 && performance.now() - killedAt);
      expect(forgotten).toBeLessThan(3 * HEARTBEAT + HEARTBEAT + 100);
      expect(waiting.ms).toBeGreaterThan(HEARTBEAT);
      expect(waiting.ms).toBeLessThan(3 * HEARTBEAT + HEARTBEAT + 100);

      const after = await timed(() => local.chain.invalidateTags(['Airport:KILLED']));
      expect(after.ms).toBeLessThan(50);
    } finally {
      second.kill('SIGKILL');
    }
  });

  describe('with a 150 ms ack timeout', () => {
    let quick: Cache;
    let recorded: ReturnType<typeof recordingLogger>;

    beforeAll(async () => {
      recorded = recordingLogger();
      quick = await createCache({ config: loadConfig({ ...env, CACHE_INVALIDATION_ACK_TIMEOUT_MS: '150' }).cache, logger: recorded.logger });
      await eventually('the quick instance knows the others', () => quick.chain.stats().bus!.peers === 2);
    });
    afterAll(() => quick?.close());

    it('a live peer that never acknowledges holds an invalidation for the ack timeout, no longer, and is named in a warning', async () => {
      const mute = `mute-${process.pid}`;
      const beats = setInterval(() => void probe.publish(channel, { type: 'heartbeat', from: mute }), 50);
      try {
        await eventually('the mute peer is known', () => quick.chain.stats().bus!.peers === 3);
        const { ms } = await timed(() => quick.chain.invalidateTags(['Airport:MUTE']));
        expect(ms).toBeGreaterThanOrEqual(145);
        expect(ms).toBeLessThan(150 + 150);
        expect(quick.chain.stats().bus!.ackTimeouts).toBe(1);
        const warning = recorded.lines.find((line) => line.msg.startsWith('invalidation not acknowledged'));
        expect(warning).toMatchObject({ level: 40, peers: [mute], of: 3, sent: true, tags: 1 });
      } finally {
        clearInterval(beats);
        // Its goodbye: nobody waits for it any longer.
        await probe.publish(channel, { type: 'bye', from: mute });
      }
      await eventually('the mute peer is gone', () => quick.chain.stats().bus!.peers === 2);
      expect((await timed(() => quick.chain.invalidateTags(['Airport:MUTE']))).ms).toBeLessThan(100);
    });

    it('a frozen peer process (SIGSTOP) holds an invalidation for the ack timeout, not forever', async () => {
      const before = quick.chain.stats().bus!.ackTimeouts;
      peer.kill('SIGSTOP');
      try {
        const { ms } = await timed(() => quick.chain.invalidateTags(['Airport:FROZEN']));
        expect(ms).toBeGreaterThanOrEqual(145);
        expect(ms).toBeLessThan(150 + 150);
        expect(quick.chain.stats().bus!.ackTimeouts).toBe(before + 1);
      } finally {
        peer.kill('SIGCONT');
      }
      await eventually('the thawed peer is known again', () => quick.chain.stats().bus!.peers === 2);
    });
  });

  it('ignores garbled and unknown messages, applies an older instance’s invalidation without an ack, and keeps acknowledging', async () => {
    const oldAcks = `${channel}:ack:old-instance`;
    await probe.listen(oldAcks);
    // On the shared channel and on every instance's own ack channel.
    const targets = [channel, ...[...probe.instances()].map((id) => `${channel}:ack:${id}`)];
    expect(targets.length).toBeGreaterThan(2);
    const garbage = [
      'not json',
      'null',
      '[1,2]',
      '{"from":5}',
      '{"type":"gossip","from":"x"}',
      '{"type":"ack","from":"x"}',
      '{"from":"x","tags":"Airport:JFK"}',
    ];
    for (const target of targets) for (const raw of garbage) await probe.publish(target, raw);
    await inPeerMemory('airport:OLD', 'old', ['Airport:OLD']);
    // As instances before acknowledgements sent it: no type, no id.
    await probe.publish(channel, { from: 'old-instance', tags: [`${prefix}Airport:OLD`], at: Date.now() });
    await eventually('the peer applied the older message', async () => (await peer.get('airport:OLD')) === null);
    await sleep(50);
    expect(probe.heard.filter((h) => h.channel === oldAcks)).toEqual([]);

    const before = local.chain.stats().bus!.ackTimeouts;
    await inPeerMemory('airport:AFTER', 'v', ['Airport:AFTER']);
    await local.chain.invalidateTags(['Airport:AFTER']);
    expect(await peer.get('airport:AFTER')).toBeNull();
    expect(local.chain.stats().bus).toMatchObject({ healthy: true, peers: 1, ackTimeouts: before });
    expect((await peer.stats()).bus).toMatchObject({ healthy: true, peers: 1 });
  });
});
