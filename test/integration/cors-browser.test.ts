// A page on another origin reads the gateway's answers in a real browser (Debian's chromium,
// driven by playwright-core): misses, fast-path hits, Yoga's GET hits, and signed-in calls
// that need a preflight. And every kind of answer carries the same CORS headers.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testJwtSecret } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium for the browser test`);
  console.warn(`⚠ ${CHROMIUM} not found: the browser CORS test is skipped (apt-get install chromium)`);
}

/** A page server on a local origin of its own: its only page runs `script` and shows nothing. */
async function pageOrigin(host: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>partner app</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://${host}:${(server.address() as AddressInfo).port}`, server };
}

async function gateway(database: TestDatabase, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer(
    loadConfig({ DATABASE_URL: database.url!, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: testJwtSecret, CACHE_KEY_PREFIX: uniquePrefix('cors'), ...env }),
    testLogger,
  );
}

/** What the page's fetch saw, or the error the browser gave it (a CORS block is a TypeError). */
interface Seen {
  ok?: boolean;
  status?: number;
  etag?: string | null;
  body?: { data?: unknown; extensions?: { cache?: { hit: boolean; tier: string } } };
  error?: string;
}

describe.skipIf(!hasPostgres || !hasChromium)('a browser page on another origin', () => {
  let database: TestDatabase;
  let browser: Browser;
  const servers: Server[] = [];
  const gateways: RunningServer[] = [];

  beforeAll(async () => {
    database = await seededPostgres();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    for (const server of servers) server.close();
    for (const running of gateways) await running.close();
    await database?.close();
  });

  /** Opens the page of `origin` and runs fetches there, in order, returning what each saw. */
  async function fetchFrom(origin: string, requests: { url: string; init?: RequestInit }[]): Promise<Seen[]> {
    const page = await browser.newPage();
    try {
      await page.goto(origin);
      return await page.evaluate(async (list) => {
        const seen = [];
        for (const { url, init } of list) {
          try {
            const response = await fetch(url, init);
            seen.push({ ok: response.ok, status: response.status, etag: response.headers.get('etag'), body: await response.json() });
          } catch (err) {
            seen.push({ error: String(err) });
          }
        }
        return seen;
      }, requests);
    } finally {
      await page.close();
    }
  }

  const airport = (iata: string) => JSON.stringify({ query: 'query A($iata: String!) { airport(iata: $iata) { iata name } }', variables: { iata } });

  it('reads a miss, a fast-path hit, a GET miss and a GET hit, and a signed-in answer after a preflight', async () => {
    const running = await gateway(database);
    gateways.push(running);
    const page = await pageOrigin('127.0.0.1');
    servers.push(page.server);
    const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: airport('LIS') };
    const get = `${running.url}?query=${encodeURIComponent('{ airport(iata: "OPO") { iata } }')}`;
    const jwt = await token({ sub: 'browser-user' });
    const seen = await fetchFrom(page.origin, [
      { url: running.url, init: post },
      { url: running.url, init: post },
      { url: get },
      // The browser's own HTTP cache would answer a second GET (the answer is public, max-age):
      // ask the gateway again.
      { url: get, init: { cache: 'reload' } },
      { url: running.url, init: { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(jwt) }, body: JSON.stringify({ query: '{ viewer { kind id } }' }) } },
    ]);
    expect(seen.map((s) => s.error)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(seen.map((s) => s.body?.extensions?.cache?.hit)).toEqual([false, true, false, true, false]);
    expect(seen[1]!.body!.data).toEqual({ airport: { iata: 'LIS', name: expect.stringContaining('Lisbon') } });
    // ETag is exposed to the page, so it can revalidate.
    expect(seen[1]!.etag).toMatch(/^W\/"/);
    expect(seen[4]!.body!.data).toEqual({ viewer: { kind: 'user', id: 'browser-user' } });
  });

  it('with CORS_ORIGINS, lets the listed origin read and blocks another', async () => {
    const allowed = await pageOrigin('127.0.0.1');
    const other = await pageOrigin('localhost');
    servers.push(allowed.server, other.server);
    const running = await gateway(database, { CORS_ORIGINS: allowed.origin });
    gateways.push(running);
    const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: airport('FAO') };
    const fromAllowed = await fetchFrom(allowed.origin, [{ url: running.url, init: post }, { url: running.url, init: post }]);
    expect(fromAllowed.map((s) => s.body?.extensions?.cache?.hit)).toEqual([false, true]);
    const fromOther = await fetchFrom(other.origin, [{ url: running.url, init: post }]);
    expect(fromOther[0]!.error).toMatch(/TypeError/);
  });
});

describe.skipIf(!hasPostgres)('CORS headers on every kind of answer', () => {
  let database: TestDatabase;
  let running: RunningServer;
  const origin = 'http://app.example.test';

  beforeAll(async () => {
    database = await seededPostgres();
    running = await gateway(database, { MAX_BODY_BYTES: '1000' });
  }, 60_000);
  afterAll(async () => {
    await running?.close();
    await database?.close();
  });

  it('the same headers on a miss, a fast-path hit, a 304, a GET hit, an error, a 401 and a 413', async () => {
    const bcn = '{ airport(iata: "BCN") { iata } }';
    const mad = '{ airport(iata: "MAD") { iata } }';
    const miss = await graphql(running.url, bcn, { headers: { origin } });
    const hit = await graphql(running.url, bcn, { headers: { origin } });
    const notModified = await graphql(running.url, bcn, { headers: { origin, 'if-none-match': hit.headers.get('etag')! } });
    await graphql(running.url, mad, { method: 'GET', headers: { origin } });
    const getHit = await graphql(running.url, mad, { method: 'GET', headers: { origin } });
    const invalid = await graphql(running.url, '{ nope }', { headers: { origin } });
    const unauthenticated = await graphql(running.url, bcn, { headers: { origin, authorization: 'Bearer nonsense' } });
    const tooLarge = await graphql(running.url, `${bcn} # ${'x'.repeat(2000)}`, { headers: { origin } });
    expect([miss, hit, notModified, getHit, invalid, unauthenticated, tooLarge].map((r) => r.status)).toEqual([200, 200, 304, 200, 200, 401, 413]);
    for (const response of [miss, hit, notModified, getHit, invalid, unauthenticated, tooLarge]) {
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-expose-headers')).toContain('ETag');
    }
    // Vary keeps the credentials it caches by.
    expect(hit.headers.get('vary')).toBe('Authorization, X-Api-Key');
  });

  it('sends someone who opens the server\'s address to GraphiQL', async () => {
    const root = await fetch(new URL('/', running.url), { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/graphql']);
    expect(await root.text()).toContain('/graphql');
  });

  it('answers a preflight with what a page may send', async () => {
    const preflight = await fetch(running.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(Object.fromEntries([...preflight.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': expect.stringMatching(/Authorization.*X-Api-Key.*Content-Type/),
      'access-control-expose-headers': expect.stringContaining('ETag'),
      'access-control-max-age': '86400',
    });
  });
});
