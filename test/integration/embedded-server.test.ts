import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer } from '../../src/server.ts';
import { exampleQuery } from '../../src/graphiql.ts';
import { hasPostgres } from '../helpers/databases.ts';
import { graphql } from '../helpers/gateway.ts';
import { databaseUrl, randomName, withAdminClient } from '../helpers/services.ts';

const root = path.resolve(import.meta.dirname, '../..');

function capturingLogger() {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  return { logger, messages: () => lines.map((l) => JSON.parse(l).msg as string) };
}

describe('npm start on a fresh machine (embedded PGlite)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'contrail-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', CONTRAIL_DATA_DIR: dataDir });

  it('migrates and seeds on first start, answers the example query, and serves GraphiQL offline', async () => {
    const { logger, messages } = capturingLogger();
    const server = await startServer(config, logger);
    try {
      expect(messages()).toContain('reference data seeded');

      const { body } = await graphql(server.url, exampleQuery);
      expect(body.errors).toBeUndefined();
      expect(body.data.airport).toMatchObject({ name: 'John F Kennedy International Airport', country: { name: 'United States' } });
      expect(body.data.airport.routesFrom).toHaveLength(3);

      const page = await fetch(server.url, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type')).toContain('text/html');
      const html = await page.text();
      expect(html).toContain('YogaGraphiQL');
      // Every script and stylesheet is inline: nothing is fetched from a CDN.
      expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
      expect(html).not.toMatch(/unpkg\.com|jsdelivr\.net|cdnjs/);

      const health = await fetch(new URL('/health', server.url));
      expect(health.status).toBe(200);
      // The embedded cache: memory → Postgres, the Postgres tier reaching PGlite over pglite-socket.
      expect(await health.json()).toMatchObject({ status: 'healthy', database: { status: 'up' }, tiers: { postgres: { status: 'up' } } });
    } finally {
      await server.close();
    }
  });

  it('keeps its data across restarts and does not seed again', async () => {
    const { logger, messages } = capturingLogger();
    const server = await startServer(config, logger);
    try {
      expect(messages()).not.toContain('reference data seeded');
      expect((await graphql(server.url, '{ airport(iata: "LHR") { name } }')).body.data.airport.name).toBe('London Heathrow Airport');
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(!hasPostgres)('the contrail CLI against a Postgres server', () => {
  const name = randomName('contrail_cli');
  afterAll(() => withAdminClient((c) => c.query(`drop database if exists ${name} with (force)`)));

  it('migrates and seeds an empty database, reporting progress and unlinked rows', async () => {
    await withAdminClient((c) => c.query(`create database ${name}`));
    const run = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: databaseUrl(name), LOG_LEVEL: 'info' };
    await run('node', ['src/contrail.mjs', 'migrate'], { cwd: root, env });
    const { stdout, stderr } = await run('node', ['src/contrail.mjs', 'seed'], { cwd: root, env });
    // Logs go to stderr; stdout is for results.
    expect(stdout).toBe('');
    const messages = stderr.trim().split('\n').map((line) => JSON.parse(line));
    expect(messages.some((m) => m.msg === 'seeding routes: 67663/67663')).toBe(true);
    const summary = messages.find((m) => m.msg === 'reference data seeded');
    expect(summary.counts).toEqual({ countries: 249, regions: 3987, airports: 7698, airlines: 6161, aircraft_types: 246, routes: 67663 });
    const unlinked = messages.find((m) => m.routesWithUnknownOrigin !== undefined);
    expect(unlinked).toMatchObject({ routesWithUnknownOrigin: 483, routesWithUnknownAirline: 479 });
  });

  it('prunes the Postgres cache tier on demand', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: databaseUrl(name), LOG_LEVEL: 'info' };
    const client = new pg.Client({ connectionString: databaseUrl(name) });
    client.on('error', () => undefined);
    await client.connect();
    let stderr: string;
    let rows: unknown[];
    try {
      await client.query(`INSERT INTO cache_entries (key, value) SELECT 'expired:' || i, '1|{}' || chr(10) || '1' FROM generate_series(1, 2500) i`);
      await client.query(`INSERT INTO cache_entries (key, value) VALUES ('alive', '${Date.now() + 60_000}|x')`);
      ({ stderr } = await run('node', ['src/contrail.mjs', 'cache', 'prune', '--batch', '1000'], { cwd: root, env }));
      ({ rows } = await client.query('SELECT key FROM cache_entries'));
    } finally {
      await client.end();
    }
    expect(JSON.parse(stderr.trim().split('\n').at(-1)!)).toMatchObject({ entries: 2500 });
    expect(rows).toEqual([{ key: 'alive' }]);
  });

  it('creates a partner whose key is printed once and works until revoked', async () => {
    const run = promisify(execFile);
    // At info level, so a log line on stdout would break `KEY=$(contrail partner create …)`.
    const env = { ...process.env, DATABASE_URL: databaseUrl(name), LOG_LEVEL: 'info' };
    const { stdout } = await run('node', ['src/contrail.mjs', 'partner', 'create', 'SkyTravel'], { cwd: root, env });
    expect(stdout.split('\n')).toHaveLength(2);
    const key = stdout.trim();
    // The secret is everything after the prefix: base64url, so it may itself contain '_'.
    const secret = /^ctr_[a-z0-9]{10}_([A-Za-z0-9_-]{43})$/.exec(key)?.[1];
    expect(secret).toBeDefined();
    const client = new pg.Client({ connectionString: databaseUrl(name) });
    // The database is dropped after the file: a connection cut then is expected, not an error.
    client.on('error', () => undefined);
    await client.connect();
    try {
      const { rows } = await client.query('SELECT name, key_hash, status FROM partners');
      expect(rows).toEqual([{ name: 'SkyTravel', key_hash: expect.stringMatching(/^[0-9a-f]{64}$/), status: 'active' }]);
      expect(JSON.stringify(rows)).not.toContain(secret);
      await run('node', ['src/contrail.mjs', 'partner', 'revoke', 'SkyTravel'], { cwd: root, env });
      expect((await client.query('SELECT status FROM partners')).rows).toEqual([{ status: 'revoked' }]);
    } finally {
      await client.end();
    }
    await expect(run('node', ['src/contrail.mjs', 'partner', 'revoke', 'Nobody'], { cwd: root, env })).rejects.toMatchObject({
      code: 1,
      stderr: 'contrail: no partner named "Nobody"\n',
    });
    // A name taken: one line, no stack, no key hash.
    await expect(run('node', ['src/contrail.mjs', 'partner', 'create', 'SkyTravel'], { cwd: root, env })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^contrail: a partner named "SkyTravel" exists already \(to replace its key: contrail partner rotate SkyTravel\)\n$/),
    });
    const rotated = (await run('node', ['src/contrail.mjs', 'partner', 'rotate', 'SkyTravel'], { cwd: root, env })).stdout.trim();
    expect(rotated).toMatch(/^ctr_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
    expect(rotated).not.toBe(key);
    const listed = (await run('node', ['src/contrail.mjs', 'partner', 'list'], { cwd: root, env })).stdout.trim().split('\n');
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatch(/^NAME\s+KEY PREFIX\s+STATUS\s+PER MINUTE\s+COMMISSION\s+CREATED$/);
    expect(listed[1]).toMatch(new RegExp(`^SkyTravel\\s+${rotated.split('_')[1]}\\s+active\\s+600\\s+0\\s+\\d{4}-`));
  });

  it('answers --version and --help without loading the gateway', async () => {
    const run = promisify(execFile);
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect((await run('node', ['src/contrail.mjs', '--version'], { cwd: root })).stdout).toBe(`${version}\n`);
    const help = (await run('node', ['src/contrail.mjs', 'partner', '--help'], { cwd: root })).stdout;
    for (const command of ['create', 'rotate', 'revoke', 'list']) expect(help).toContain(command);
  });

  it('refuses an invalid configuration with a message and exit code 1', async () => {
    const run = promisify(execFile);
    const attempt = run('node', ['src/contrail.mjs', 'migrate'], { cwd: root, env: { ...process.env, DATABASE_URL: 'mysql://x' } });
    await expect(attempt).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('DATABASE_URL') });
  });
});
