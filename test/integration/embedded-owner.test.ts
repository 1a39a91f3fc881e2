import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createCache, type Cache } from '../../src/cache/create-cache.ts';
import { cachePostgresUrl } from '../../src/db/cache-url.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, postgresDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { lockPath, processStartOf, readLock, type LockHolder } from '../../src/db/lock.ts';
import { claimDataDir } from '../../src/db/owner.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { testLogger } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';
import { advanceClock } from '../helpers/clock.ts';
import { freePort } from '../helpers/servers.ts';

const root = path.resolve(import.meta.dirname, '../..');
const folders: string[] = [];
let template: string;

/** A copy of a seeded data folder, private to the test (a folder nobody holds copies like any other). */
function seededFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'contrail-owner-'));
  cpSync(template, dir, { recursive: true });
  folders.push(dir);
  return dir;
}

const serverEnv = (dir: string, env: Record<string, string> = {}) => ({ CONTRAIL_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', ...env });

/** `contrail <args>` as a user would run it, on `dir`. */
function contrail(args: string[], dir: string, env: Record<string, string> = {}) {
  return promisify(execFile)('node', ['src/contrail.mjs', ...args], { cwd: root, env: { ...process.env, CONTRAIL_DATA_DIR: dir, LOG_LEVEL: 'info', ...env } });
}

function recordingLogger() {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  return { logger, messages: () => lines.map((l) => JSON.parse(l).msg as string) };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await sleep(20);
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const messagesOf = (stderr: string) => stderr.trim().split('\n').map((line) => JSON.parse(line).msg as string);

// Closed after each test, whatever it left open.
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

async function serve(dir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const server = await startServer(loadConfig(serverEnv(dir, env)), testLogger);
  let open = true;
  const close = async () => {
    if (open) await server.close();
    open = false;
  };
  closers.push(close);
  return { url: server.url, close };
}

/** `contrail serve` in a child process; resolves once it logs (on stderr) its URL. */
async function serveChild(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('node', ['src/contrail.mjs', 'serve'], { cwd: root, env: { ...process.env, ...serverEnv(dir), LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
  closers.push(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  );
  // The reader stays open: a child whose stderr is closed would fail on its next log line.
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const entry = JSON.parse(line) as { url?: string; msg: string };
      if (entry.msg.startsWith('Contrail is serving')) resolve(entry.url!);
    });
    child.once('exit', (code) => reject(new Error(`contrail serve exited (${code}) before serving`)));
  });
  return { child, url };
}

beforeAll(async () => {
  template = mkdtempSync(path.join(tmpdir(), 'contrail-owner-template-'));
  folders.push(template);
  const db = await PGlite.create(template, { loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) });
  await db.close();
});
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('the embedded database has one owner, and the CLI goes through it while a server runs', () => {
  it('runs `contrail seed` through a serving Contrail: both succeed, cache hits keep answering, and the folder opens again with its data', { timeout: 180_000 }, async () => {
    const dir = seededFolder();
    // However long the seed takes, the warmed entry stays in memory (no safety cap to outlive).
    const server = await serve(dir, { CACHE_MEMORY_SAFETY_TTL_MS: '600000' });
    const jfk = '{ airport(iata: "JFK") { name } }';
    await graphql(server.url, jfk);

    let seeding = true;
    const seed = contrail(['seed'], dir).finally(() => (seeding = false));
    const hits: { tier?: string; ms: number }[] = [];
    // A miss while the seed's transaction runs: it waits its turn, then answers.
    const miss = sleep(1000).then(() => graphql(server.url, '{ airport(iata: "CDG") { name } }'));
    while (seeding) {
      const started = performance.now();
      const { body } = await graphql(server.url, jfk);
      hits.push({ tier: body.extensions?.cache?.tier, ms: performance.now() - started });
      await sleep(100);
    }
    expect(messagesOf((await seed).stderr)).toContain('reference data seeded');
    expect(hits.length).toBeGreaterThan(3);
    expect(hits.filter((h) => h.tier !== 'memory' || h.ms > 500)).toEqual([]);
    expect((await miss).body).toMatchObject({ data: { airport: { name: 'Charles de Gaulle International Airport' } } });
    expect((await miss).body.errors).toBeUndefined();

    const key = (await contrail(['partner', 'create', 'acme'], dir)).stdout.trim();
    await server.close();
    expect(existsSync(lockPath(dir))).toBe(false);

    const restarted = await serve(dir);
    expect((await graphql(restarted.url, '{ airport(iata: "LHR") { name } }')).body.data.airport.name).toBe('London Heathrow Airport');
    expect((await graphql(restarted.url, '{ viewer { kind } }', { headers: { 'x-api-key': key } })).body.data).toEqual({ viewer: { kind: 'partner' } });
    await restarted.close();

    // With nobody serving, the CLI opens the folder itself, and leaves no lock behind.
    expect((await contrail(['partner', 'list'], dir)).stdout).toMatch(/^acme\s+/m);
    expect(existsSync(lockPath(dir))).toBe(false);
  });

  it('accepts a partner the CLI creates while it serves, and refuses its key within API_KEY_CACHE_MS of `contrail partner revoke`', async () => {
    const dir = seededFolder();
    const server = await serve(dir, { API_KEY_CACHE_MS: '200' });
    const key = (await contrail(['partner', 'create', 'SkyTravel'], dir)).stdout.trim();
    const viewer = await graphql(server.url, '{ viewer { kind } }', { headers: { 'x-api-key': key } });
    expect(viewer).toMatchObject({ status: 200, body: { data: { viewer: { kind: 'partner' } } } });

    await contrail(['partner', 'revoke', 'SkyTravel'], dir);
    // Waited out: the key cache (an lru-cache TTL) keeps its own time, which fake timers do not move.
    await sleep(200);
    expect((await graphql(server.url, '{ viewer { kind } }', { headers: { 'x-api-key': key } })).status).toBe(401);
  });

  it('refuses a second server on the folder with a message naming the first, which keeps serving', async () => {
    const dir = seededFolder();
    const first = await serveChild(dir);
    const holder = readLock(dir) as LockHolder;
    expect(holder).toMatchObject({ pid: first.child.pid, url: expect.stringMatching(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/) });

    const refusal = new RegExp(
      `another Contrail \\(pid ${first.child.pid}, started ${escape(holder.startedAt)}\\) holds ${escape(dir)}, serving at ${escape(holder.url!)}: ` +
        'stop it, or set CONTRAIL_DATA_DIR to another folder$',
    );
    await expect(startServer(loadConfig(serverEnv(dir)), testLogger)).rejects.toThrow(refusal);
    // From the command line: that one line, exit code 1.
    const second = contrail(['serve'], dir, { PORT: '0', HOST: '127.0.0.1' });
    await expect(second).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/^contrail: [^\n]*another Contrail \(pid \d+, [^\n]*\n$/) });

    expect((await graphql(first.url, '{ airport(iata: "LHR") { name } }')).body.data.airport.name).toBe('London Heathrow Airport');
    expect(readLock(dir)).toEqual(holder);
  });

  it('answers a cache hit at once while a slow statement runs on the embedded database', async () => {
    const dir = seededFolder();
    const server = await serve(dir);
    const jfk = '{ airport(iata: "JFK") { name } }';
    await graphql(server.url, jfk);

    const client = new pg.Client({ connectionString: (readLock(dir) as LockHolder).url });
    client.on('error', () => undefined);
    await client.connect();
    closers.push(() => client.end());
    const started = performance.now();
    const slow = client.query('select pg_sleep(2)').then(() => performance.now() - started);
    await sleep(100);

    const hitStarted = performance.now();
    const hit = await graphql(server.url, jfk);
    const hitMs = performance.now() - hitStarted;
    const hitDone = performance.now() - started;
    expect(hit.body.extensions?.cache?.tier).toBe('memory');
    expect(hitMs).toBeLessThan(500);
    // The statement really was running: it ended after the hit was answered.
    const slowMs = await slow;
    expect(slowMs).toBeGreaterThan(hitDone);
    expect(slowMs).toBeGreaterThanOrEqual(2000);
  });
});

describe('the lock of an embedded data folder', () => {
  const config = (dir: string) => loadConfig(serverEnv(dir)).database;

  async function open(dir: string, logger = testLogger): Promise<DatabaseHandle> {
    const database = await openDatabase(config(dir), { logger });
    closers.push(() => database.close());
    return database;
  }

  function sleeper(): ChildProcess {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    closers.push(async () => child.kill('SIGKILL'));
    return child;
  }

  it('is taken over when the process it names is gone, and the takeover is logged', async () => {
    const dir = seededFolder();
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(lockPath(dir), JSON.stringify({ pid: gone, startedAt: '2026-01-01T00:00:00.000Z', url: 'postgres://postgres@127.0.0.1:1/postgres' }));
    const { logger, messages } = recordingLogger();
    const database = await open(dir, logger);
    expect(messages()).toContain(`taking over the lock of ${dir}: pid ${gone} (started 2026-01-01T00:00:00.000Z) is gone (if it crashed, PGlite recovers the folder as Postgres would)`);
    expect(readLock(dir)).toMatchObject({ pid: process.pid, url: database.embedded!.url });
    await database.ping();
  });

  it('is taken over when its pid now belongs to another process (started at another time)', async () => {
    const dir = seededFolder();
    const reused = sleeper().pid!;
    writeFileSync(lockPath(dir), JSON.stringify({ pid: reused, startedAt: '2026-01-01T00:00:00.000Z', processStart: '1', url: 'postgres://postgres@127.0.0.1:1/postgres' }));
    const database = await open(dir);
    expect(readLock(dir)).toMatchObject({ pid: process.pid, url: database.embedded!.url });
  });

  it('is never taken from a live process, even one that does not answer: the server and the CLI refuse, naming it and the way out', async () => {
    const dir = seededFolder();
    const alive = sleeper().pid!;
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    // The kernel confirms the pid is the process that wrote the lock: it is only busy, or stuck.
    const stuck = { pid: alive, startedAt: '2026-01-01T00:00:00.000Z', processStart: processStartOf(alive), url };
    writeFileSync(lockPath(dir), JSON.stringify(stuck));
    const busy =
      `another Contrail (pid ${alive}, started 2026-01-01T00:00:00.000Z) holds ${dir} but does not answer at ${url} (busy, or stuck): ` +
      'stop it, or set CONTRAIL_DATA_DIR to another folder';
    await expect(openDatabase(config(dir), { logger: testLogger })).rejects.toThrow(busy);
    // One line (it may say first which variable the folder came from).
    await expect(contrail(['partner', 'list'], dir)).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(new RegExp(`^contrail: [^\\n]*${escape(busy)}\\n$`)) });
    expect(readLock(dir)).toEqual(stuck);

    // Where the kernel cannot tell (no start time in the lock), the pid may be another program's.
    const unverifiable = { pid: alive, startedAt: '2026-01-01T00:00:00.000Z', url };
    writeFileSync(lockPath(dir), JSON.stringify(unverifiable));
    await expect(openDatabase(config(dir), { logger: testLogger })).rejects.toThrow(
      `another process (pid ${alive}, started 2026-01-01T00:00:00.000Z) holds ${dir} but does not answer at ${url}: ` +
        `if pid ${alive} is not Contrail, delete ${lockPath(dir)}; or set CONTRAIL_DATA_DIR to another folder`,
    );
    expect(readLock(dir)).toEqual(unverifiable);
  });

  it('is released when the database thread dies: the gateway answers errors, never crashes, and the folder opens again', async () => {
    const dir = seededFolder();
    const { logger, messages } = recordingLogger();
    const claim = await claimDataDir(dir, { logger, migrationsFolder: path.join(root, 'drizzle/migrations') });
    if (claim.role !== 'owner') throw new Error('expected to own the folder');
    closers.push(() => claim.close());
    // The gateway over the owner's socket, as openDatabase builds it.
    const database = postgresDatabase(new pg.Pool({ connectionString: claim.url, max: 2 }), { logger });
    closers.push(() => database.close());
    const gateway = testGateway(database);
    expect((await graphql(gateway, '{ airport(iata: "LHR") { name } }')).body.data).toEqual({ airport: { name: 'London Heathrow Airport' } });

    await claim.thread.terminate();
    await until(() => !existsSync(lockPath(dir)));
    expect(messages()).toContain('the embedded database stopped: every query fails until Contrail restarts');
    const after = await graphql(gateway, '{ airport(iata: "CDG") { name } }');
    expect(after.body).toMatchObject({ data: { airport: null }, errors: [{ message: 'Unexpected error.' }] });

    const reopened = await open(dir);
    await reopened.ping();
  });

  it('is released when the folder cannot be opened, and the failure names the folder', async () => {
    const dir = seededFolder();
    writeFileSync(path.join(dir, 'PG_VERSION'), '9\n');
    await expect(openDatabase(config(dir), { logger: testLogger })).rejects.toThrow('PGlite failed to initialize properly');
    expect(existsSync(lockPath(dir))).toBe(false);
    await expect(contrail(['partner', 'list'], dir)).rejects.toMatchObject({
      code: 1,
      stderr: `contrail: CONTRAIL_DATA_DIR (${dir}): the embedded database could not be opened: PGlite failed to initialize properly\n`,
    });
    expect(existsSync(lockPath(dir))).toBe(false);
  });
});

describe('migrations through the owner', () => {
  it('are applied once, by the owner before anyone connects: migrate() from the owner and from the CLI at once both succeed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'contrail-owner-empty-'));
    folders.push(dir);
    const config = loadConfig(serverEnv(dir)).database;
    const owner = await openDatabase(config, { logger: testLogger });
    closers.push(() => owner.close());
    const guest = await openDatabase(config, { logger: testLogger, shareWithOwner: true });
    closers.push(() => guest.close());
    // The advisory lock they take does not keep them apart (one session): nothing is left to apply.
    await Promise.all([owner.migrate(), guest.migrate(), guest.migrate()]);
    const journal = JSON.parse(readFileSync(path.join(root, 'drizzle/migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    const applied = (await guest.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)) as unknown as { rows: unknown[] };
    expect(applied.rows).toEqual([{ n: journal.entries.length }]);
  });
});

describe('the memory tier in front of the embedded database', () => {
  const env = (dir: string) => serverEnv(dir, { CACHE_MEMORY_SAFETY_TTL_MS: '300', CACHE_KEY_PREFIX: 'owner-test:' });
  let caches: Cache[] = [];
  afterEach(async () => {
    for (const cache of caches.splice(0)) await cache.close();
  });

  /** The cache as the server builds it, from the database handle's cache backend. */
  async function cacheOver(database: DatabaseHandle, dir: string): Promise<Cache> {
    const config = loadConfig(env(dir));
    const backend = await cachePostgresUrl(config.database, database);
    const cache = await createCache({ config: config.cache, logger: testLogger, postgresUrl: backend.url, singleInstance: backend.singleInstance });
    caches.push(cache);
    return cache;
  }

  it('keeps entries past the safety TTL in the folder owner (the only instance), and caps them in a process that only shares it', async () => {
    const dir = seededFolder();
    const owner = await openDatabase(loadConfig(env(dir)).database, { logger: testLogger });
    closers.push(() => owner.close());
    const guest = await openDatabase(loadConfig(env(dir)).database, { logger: testLogger, shareWithOwner: true });
    closers.push(() => guest.close());
    const [alone, sharing] = [await cacheOver(owner, dir), await cacheOver(guest, dir)];

    await alone.chain.set('alone', 1, { ttl: 60_000 });
    await sharing.chain.set('sharing', 2, { ttl: 60_000 });
    try {
      advanceClock(600);
      expect(await alone.chain.get('alone')).toMatchObject({ value: 1, tier: 'memory' });
      // Capped at 300 ms: gone from memory, found in the Postgres tier.
      expect(await sharing.chain.get('sharing')).toMatchObject({ value: 2, tier: 'postgres' });
    } finally {
      vi.useRealTimers();
    }
  });
});
