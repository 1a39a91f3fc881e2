// npm run bench: the gateway against a bare node:http server answering the same bytes and
// against graphql-yoga's own response cache, measured in one run by server CPU time per
// request; then the tier chain. See README "Benchmark".
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { sql } from 'drizzle-orm';
import { stripIgnoredCharacters } from 'graphql';
import { BenchDocument } from '../schema/generated/graphql.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';
import { prepareDatabase } from '../src/db/prepare.ts';
import { measure, type LoadSpec, type PhaseResult } from './measure.ts';
import { freePort, hasTaskset, pinSelf, startNode, type Started } from './processes.ts';
import { runTierBench } from './tiers.ts';
import { runQuoteBench } from './quote.ts';
import { runUpstreamBench } from './upstream.ts';
import { zipfSequence } from './zipf.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const dataDir = process.env.CONTRAIL_DATA_DIR ?? path.resolve('.contrail/bench');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// BENCH_WORKLOADS=COLD,HOT runs only those phases (HOT, ZIPF, L2-HOT, COLD, BARE, YOGA, UPSTREAM, QUOTE); unset: all.
const workloads = process.env.BENCH_WORKLOADS?.split(',').map((name) => name.trim().toUpperCase());
const runs = (name: string) => !workloads || workloads.includes(name);

// schema/operations/bench.graphql, compacted as clients send it (and as the benchmark sent it
// before it became a file), so runs compare with earlier ones.
const benchQuery = stripIgnoredCharacters(BenchDocument.toString());
const bodyFor = (iata: string) => JSON.stringify({ query: benchQuery, variables: { iata }, operationName: 'Bench' });

// Cores: servers on 0, this process (autocannon) on 1.
const SERVER_CORE = 0;
const LOAD_CORE = 1;

interface Row extends PhaseResult {
  target: string;
  workload: string;
}

type Server = Started & { url: string };

const keyPrefix = `bench:${randomUUID()}:`;
const baseEnv = {
  HOST: '127.0.0.1',
  CONTRAIL_DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  DATABASE_URL: process.env.DATABASE_URL ?? '',
  CACHE_KEY_PREFIX: keyPrefix,
  // The load generator is one client sending far more than any budget allows: measure the work, not the 429s.
  RATE_LIMIT_ENABLED: 'false',
};

/**
 * Leaves nothing in the shared servers: the gateways' entries and tag times in Redis (found
 * by their prefix, with SCAN — never KEYS, never a flush) and, on a Postgres server, the
 * cache rows. The embedded PGlite is the bench's own folder.
 */
async function removeBenchKeys(): Promise<void> {
  const client = createClient({ url: redisUrl });
  client.on('error', () => undefined);
  try {
    await client.connect();
    let removed = 0;
    for await (const keys of client.scanIterator({ MATCH: `*${keyPrefix}*`, COUNT: 1000 })) if (keys.length) removed += await client.unlink(keys);
    console.log(`removed ${removed} bench keys from Redis`);
  } finally {
    await client.close().catch(() => undefined);
  }
  if (!process.env.DATABASE_URL) return;
  const database = await openDatabase({ kind: 'postgres', url: process.env.DATABASE_URL }, { logger: createLogger('warn') });
  try {
    await database.db.execute(sql`DELETE FROM cache_entries WHERE key LIKE ${`${keyPrefix}%`}`);
    await database.db.execute(sql`DELETE FROM cache_tags WHERE tag LIKE ${`${keyPrefix}%`}`);
  } finally {
    await database.close();
  }
}

async function start(args: string[], env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const ready = async () => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyFor('JFK') })).ok;
  const started = await startNode(args, { ...baseEnv, ...env, PORT: String(port) }, SERVER_CORE, ready);
  return { ...started, url };
}

const gateway = (env: Record<string, string>) => start(['src/contrail.mjs', 'serve'], { REDIS_URL: redisUrl, ...env });

function spec(url: string, load: { body?: string; bodies?: string[] }): LoadSpec {
  return { url, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, connections, seconds, ...load };
}

/** The 500 airports with the most routes out: the ZIPF workload's population, most popular first. */
async function busiestAirports(): Promise<string[]> {
  const config = loadConfig({ ...process.env, CONTRAIL_DATA_DIR: dataDir });
  const logger = createLogger('warn');
  const database = await openDatabase(config.database, { logger });
  try {
    await prepareDatabase(database, logger);
    const result = await database.db.execute(sql`
      SELECT a.iata FROM routes r JOIN airports a ON a.id = r.origin_id
      WHERE a.iata IS NOT NULL GROUP BY a.iata ORDER BY count(*) DESC, a.iata LIMIT 500`);
    return ((result as { rows: { iata: string }[] }).rows).map((r) => r.iata);
  } finally {
    await database.close();
  }
}

async function warm(url: string, bodies: string[]) {
  for (const body of new Set(bodies)) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    if (!response.ok) throw new Error(`warm-up failed: ${response.status}`);
    await response.arrayBuffer();
  }
}

async function phases(server: Server, target: string, workloads: [string, LoadSpec][], rows: Row[]) {
  try {
    for (const [workload, load] of workloads) {
      rows.push({ target, workload, ...(await measure(server.pid, load)) });
      console.log(`  ${target} ${workload}: ${rows.at(-1)!.cpuMicrosPerRequest.toFixed(1)} µs CPU/request`);
    }
  } finally {
    await server.stop();
  }
}

async function httpBench() {
  pinSelf(LOAD_CORE);
  console.log(
    `bench: ${seconds}s phases after 3s warm-up, ${connections} connections; ` +
      (hasTaskset ? `servers on core ${SERVER_CORE}, load on core ${LOAD_CORE}` : 'taskset not found: not pinned') +
      `; database: ${process.env.DATABASE_URL ? 'Postgres at DATABASE_URL' : `PGlite in ${dataDir} (its SQL work counts as gateway CPU)`}; Redis ${redisUrl}`,
  );
  const airports = await busiestAirports();
  const zipfBodies = zipfSequence(airports.length, 1.1, 100_000).map((rank) => bodyFor(airports[rank]!));
  const hot = bodyFor('JFK');
  const rows: Row[] = [];

  // HOT and ZIPF through the full chain (memory → Redis → Postgres).
  let server: Server;
  const sample = await (async () => {
    if (!runs('HOT') && !runs('ZIPF') && !runs('BARE')) return undefined;
    server = await gateway({});
    await warm(server.url, [hot]);
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: hot });
    const bytes = Buffer.from(await response.arrayBuffer());
    if (!JSON.parse(bytes.toString()).extensions?.cache?.hit) throw new Error('the HOT answer did not come from the cache');
    const contentType = response.headers.get('content-type') ?? 'application/json';
    const hotZipf: [string, LoadSpec][] = [];
    if (runs('HOT')) hotZipf.push(['HOT', spec(server.url, { body: hot })]);
    if (runs('ZIPF')) {
      console.log(`HOT answer: ${bytes.length} bytes; warming ${new Set(zipfBodies).size} ZIPF answers`);
      await warm(server.url, zipfBodies);
      hotZipf.push(['ZIPF', spec(server.url, { bodies: zipfBodies })]);
    }
    await phases(server, 'gateway', hotZipf, rows);
    return { bytes, contentType };
  })();

  // L2-HOT: no entry fits in memory, so every hit is a Redis hit.
  if (runs('L2-HOT')) {
    server = await gateway({ CACHE_MEMORY_MAX_ENTRY_BYTES: '1' });
    await warm(server.url, [hot]);
    await phases(server, 'gateway', [['L2-HOT (memory off)', spec(server.url, { body: hot })]], rows);
  }

  // COLD: no response cache at all.
  if (runs('COLD')) {
    server = await gateway({ RESPONSE_CACHE: 'off' });
    await phases(server, 'gateway', [['COLD (cache off)', spec(server.url, { body: hot })]], rows);
  }

  // The physical limit: the same bytes from a bare node:http server.
  if (runs('BARE') && sample) {
    const bodyFile = path.join(tmpdir(), `contrail-bench-${process.pid}.json`);
    writeFileSync(bodyFile, sample.bytes);
    server = await start(['--import', 'tsx', 'bench/bare-server.ts'], { BARE_BODY_FILE: bodyFile, BARE_CONTENT_TYPE: sample.contentType });
    await phases(server, 'bare node:http', [['same bytes', spec(server.url, { body: hot })]], rows);
  }

  // graphql-yoga's response cache over the same schema and data.
  if (runs('YOGA')) {
    server = await start(['--import', 'tsx', 'bench/yoga-plugin-server.ts'], {});
    await warm(server.url, [hot, ...zipfBodies]);
    await phases(server, 'yoga response-cache', [['HOT', spec(server.url, { body: hot })], ['ZIPF', spec(server.url, { bodies: zipfBodies })]], rows);
  }

  if (rows.length) console.table(
    rows.map((r) => ({
      target: r.target,
      workload: r.workload,
      'req/s': Math.round(r.requestsPerSecond),
      'p50 ms': r.p50Ms,
      'p99 ms': r.p99Ms,
      'CPU µs/req': Number(r.cpuMicrosPerRequest.toFixed(1)),
      errors: r.errors + r.non2xx,
    })),
  );
  // NaN where a phase did not run (BENCH_WORKLOADS); such ratios are left out.
  const cpu = (target: string, workload: string) => rows.find((r) => r.target === target && r.workload.startsWith(workload))?.cpuMicrosPerRequest ?? Number.NaN;
  const bare = cpu('bare node:http', 'same bytes');
  const ratios = Object.fromEntries(
    Object.entries({
      'HOT vs bare': bare / cpu('gateway', 'HOT'),
      'ZIPF vs bare': bare / cpu('gateway', 'ZIPF'),
      'L2-HOT vs bare': bare / cpu('gateway', 'L2-HOT'),
      'COLD vs bare': bare / cpu('gateway', 'COLD'),
      'HOT: yoga plugin CPU / gateway CPU': cpu('yoga response-cache', 'HOT') / cpu('gateway', 'HOT'),
      'ZIPF: yoga plugin CPU / gateway CPU': cpu('yoga response-cache', 'ZIPF') / cpu('gateway', 'ZIPF'),
    }).filter(([, value]) => Number.isFinite(value)),
  );
  if (Object.keys(ratios).length) console.log('ratios by CPU per request (× of bare: higher is better; yoga / gateway: how many times cheaper we are):');
  for (const [name, value] of Object.entries(ratios)) console.log(`  ${name}: ${value.toFixed(2)}`);

  // UPSTREAM: the calls the caches save against a sandbox with an upstream's latency.
  const upstream = runs('UPSTREAM')
    ? await runUpstreamBench({
        database: loadConfig({ ...process.env, CONTRAIL_DATA_DIR: dataDir }).database,
        startGateway: gateway,
        keyPrefix,
        connections,
        requests: Number(process.env.BENCH_UPSTREAM_REQUESTS ?? 10_000),
      })
    : undefined;
  // QUOTE: anonymous quotes over the busiest routes, hits and misses, and a cold quote's SQL.
  const quote = runs('QUOTE')
    ? await runQuoteBench({
        database: loadConfig({ ...process.env, CONTRAIL_DATA_DIR: dataDir }).database,
        startGateway: gateway,
        spec: (url, bodies) => spec(url, { bodies }),
      })
    : undefined;
  return { seconds, connections, rows, ratios, upstream, quote };
}

async function main() {
  const only = process.env.BENCH_ONLY;
  const results: Record<string, unknown> = {};
  if (only !== 'tiers') results.http = await httpBench().finally(removeBenchKeys);
  if (only !== 'http') results.tiers = await runTierBench();
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\nresults written to ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
