// The tier benchmark: latency of chain.get for an L1 hit, an L2 hit (+ back-fill), an L3 hit
// (+ back-fill) and a miss, on the real Redis and Postgres; and L1 hit throughput against a bare
// Map.get, all in one run.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CacheChain } from '../src/cache/chain.ts';
import { MemoryTier } from '../src/cache/memory-tier.ts';
import { createPostgresTier } from '../src/cache/postgres-tier.ts';
import { createRedisTier } from '../src/cache/redis-tier.ts';
import type { SharedTier } from '../src/cache/tier.ts';
import { postgresDatabase } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';

const logger = createLogger('warn');
const calls = Number(process.env.BENCH_TIER_CALLS ?? 10_000);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const adminUrl = process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const benchDatabase = 'contrail_bench';

/** A database of its own, migrated: the bench never writes into someone else's tables. */
async function benchPostgresUrl(): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [benchDatabase]);
  if (!rowCount) await admin.query(`CREATE DATABASE ${benchDatabase}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${benchDatabase}`;
  const handle = postgresDatabase(new pg.Pool({ connectionString: url.toString() }), { logger });
  await handle.migrate();
  await handle.close();
  return url.toString();
}

function chainOf(prefix: string, shared: SharedTier[]) {
  return new CacheChain({
    memory: new MemoryTier({ maxBytes: 1024 * 1024 * 1024, maxEntryBytes: 4 * 1024 * 1024, logger }),
    shared,
    logger,
    keyPrefix: prefix,
    guard: { timeoutMs: 1000, failureThreshold: 5, resetAfterMs: 1000 },
    compressAboveBytes: 8192,
    memorySafetyTtlMs: 60_000,
    maxLifetimeMs: 3600_000,
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timeEach(keys: string[], get: (key: string) => Promise<unknown>, expectTier: string | undefined) {
  const samples: number[] = [];
  for (const key of keys) {
    const started = process.hrtime.bigint();
    const found = (await get(key)) as { tier?: string } | undefined;
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
    if (found?.tier !== expectTier) throw new Error(`expected a ${expectTier ?? 'miss'}, got ${found?.tier ?? 'a miss'}`);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export async function runTierBench(): Promise<Record<string, unknown>> {
  const postgresUrl = await benchPostgresUrl();
  const prefix = `bench:${randomUUID()}:`;
  const value = { airport: 'JFK', routes: Array.from({ length: 50 }, (_, i) => ({ i, airline: 'JetBlue Airways', destination: 'Albuquerque International Sunport', equipment: ['320', '321'] })) };
  const valueBytes = JSON.stringify(value).length;
  const keys = Array.from({ length: calls }, (_, i) => `k${i}`);
  const items = keys.map((key) => ({ key, value, options: { ttl: 600_000 } }));

  const redis = await createRedisTier({ url: redisUrl, connectTimeoutMs: 1000, logger });
  const postgres = createPostgresTier({ url: postgresUrl, timeoutMs: 1000, logger });
  const opened: CacheChain[] = [];
  const open = (shared: SharedTier[]) => {
    const c = chainOf(prefix, shared);
    opened.push(c);
    return c;
  };
  try {
    // L1: one key, read again and again.
    const l1 = open([]);
    await l1.set('hot', value, { ttl: 600_000 });
    const l1Result = await timeEach(Array(calls).fill('hot'), (k) => l1.get(k), 'memory');

    // L2: entries written to Redis by one instance, read once each by a fresh one (memory empty).
    for (let i = 0; i < items.length; i += 500) await open([redis.tier]).setMany(items.slice(i, i + 500));
    const l2Reader = open([redis.tier, postgres]);
    const l2Result = await timeEach(keys, (k) => l2Reader.get(k), 'redis');

    // L3: entries only in Postgres, read by an instance with Redis above it.
    const l3Keys = keys.map((k) => `pg:${k}`);
    const l3Writer = open([postgres]);
    for (let i = 0; i < items.length; i += 500) await l3Writer.setMany(items.slice(i, i + 500).map((item) => ({ ...item, key: `pg:${item.key}` })));
    const l3Reader = open([redis.tier, postgres]);
    const l3Result = await timeEach(l3Keys, (k) => l3Reader.get(k), 'postgres');

    // Miss: every tier asked, nothing found.
    const missResult = await timeEach(keys.map((k) => `never:${k}`), (k) => l3Reader.get(k), undefined);

    // L1 throughput against the floor: a bare Map.get of the same value.
    const map = new Map([['hot', value]]);
    const n = calls * 50;
    let t = process.hrtime.bigint();
    let sink = 0;
    for (let i = 0; i < n; i++) if (map.get('hot')) sink++;
    const mapNs = Number(process.hrtime.bigint() - t) / n;
    t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (await l1.get('hot')) sink++;
    const chainNs = Number(process.hrtime.bigint() - t) / n;
    if (sink !== 2 * n) throw new Error('lost a read');

    const rows = [
      { read: 'L1 hit (memory)', 'p50 µs': l1Result.p50, 'p99 µs': l1Result.p99 },
      { read: 'L2 hit (Redis) + back-fill', 'p50 µs': l2Result.p50, 'p99 µs': l2Result.p99 },
      { read: 'L3 hit (Postgres) + back-fill', 'p50 µs': l3Result.p50, 'p99 µs': l3Result.p99 },
      { read: 'miss (all tiers)', 'p50 µs': missResult.p50, 'p99 µs': missResult.p99 },
    ].map((r) => ({ ...r, 'p50 µs': Number(r['p50 µs'].toFixed(1)), 'p99 µs': Number(r['p99 µs'].toFixed(1)) }));
    console.log(`\ntier reads: ${calls} calls each, value ${valueBytes} bytes of JSON`);
    console.table(rows);
    console.log(
      `L1 hit throughput: chain ${(1e3 / chainNs).toFixed(2)} M/s (${chainNs.toFixed(0)} ns) vs Map.get ${(1e3 / mapNs).toFixed(1)} M/s (${mapNs.toFixed(1)} ns): ${(chainNs / mapNs).toFixed(0)}× the floor`,
    );
    return { calls, valueBytes, rows, l1ThroughputNs: { chain: chainNs, map: mapNs } };
  } finally {
    // Leave nothing behind in the shared servers.
    await redis.tier.delete(keys.map((k) => prefix + k)).catch(() => undefined);
    for (const c of opened) await c.close().catch(() => undefined);
    await redis.tier.close().catch(() => undefined);
    const cleanup = new pg.Client({ connectionString: postgresUrl });
    await cleanup.connect();
    await cleanup.query('DELETE FROM cache_entries WHERE key LIKE $1', [`${prefix}%`]);
    await cleanup.end();
  }
}
