import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Authenticate } from '../../src/auth/authenticator.ts';
import { anonymous, AuthenticationError } from '../../src/auth/viewer.ts';
import { createEdgeServer } from '../../src/http/edge.ts';
import { createBudgets, type Budgets } from '../../src/rate-limit/budgets.ts';
import { createRateLimit, defaultRateLimits } from '../../src/rate-limit/create-rate-limit.ts';
import { testLogger } from '../helpers/databases.ts';

/**
 * The edge's admission against in-process budgets, with an authenticator that records what it
 * was asked to verify (each unknown API key would be a database lookup) and a gateway that
 * records what reached it.
 */
describe('rate limit admission at the edge', () => {
  let server: Server;
  let base: string;
  let takes: string[];
  let refunds: string[];
  let verified: string[];
  let reached: string[];

  // Each test gets budgets of its own: nothing one spends is left for the next.
  let budgets: Budgets;
  const recording: Budgets = {
    async take(key, points, allowance) {
      takes.push(`${key} ${points}`);
      const charge = await budgets.take(key, points, allowance);
      return Object.assign(Object.create(charge) as typeof charge, {
        refund: async () => {
          refunds.push(`${key} ${points}`);
          await charge.refund();
        },
      });
    },
    fallbacks: () => budgets.fallbacks(),
  };

  const authenticate: Authenticate = async (headers) => {
    const key = headers.get('x-api-key');
    const authorization = headers.get('authorization');
    verified.push(key ?? authorization ?? '(none)');
    if (key === 'good') return { kind: 'partner', id: '7' };
    if (key === 'other') return { kind: 'partner', id: '8' };
    if (authorization === 'Bearer admin') return { kind: 'admin', id: 'ops' };
    if (key || authorization) throw new AuthenticationError('unknown or revoked API key');
    return anonymous;
  };

  beforeAll(async () => {
    const rateLimit = createRateLimit({
      options: { ...defaultRateLimits, anonymousPerMinute: 3, hitCost: 1, missCost: 10 },
      budgets: recording,
      authenticate,
      partnerLimitOf: async () => 5,
    });
    server = createEdgeServer({
      maxBodyBytes: 1 << 16,
      maxUrlLength: 1024,
      admit: rateLimit.admit,
      gateway: {
        fetch(url) {
          reached.push(new URL(url).pathname);
          return new Response('{"data":{}}', { headers: { 'content-type': 'application/json' } });
        },
      },
      logger: testLogger,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    budgets = createBudgets({ keyPrefix: 'admission-test', logger: testLogger });
    takes = [];
    refunds = [];
    verified = [];
    reached = [];
  });

  const ask = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(base + path, { headers });
    await response.arrayBuffer();
    return { status: response.status, remaining: response.headers.get('ratelimit-remaining') };
  };

  /** Sent as written: fetch would resolve dot segments before sending. */
  const raw = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      request(base + '/', { path }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
        .on('error', reject)
        .end();
    });

  it('refuses keys it has not seen verify once the address budget is spent, without verifying them', async () => {
    const statuses = [];
    for (let i = 1; i <= 5; i++) statuses.push((await ask('/graphql', { 'x-api-key': `random-${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // The three that fitted were verified (and failed: the gateway answers them 401); the two refused never were.
    expect(verified).toEqual(['random-1', 'random-2', 'random-3']);
    expect(takes).toEqual(Array(5).fill('address:127.0.0.1 1'));
    expect(refunds).toEqual([]);
    expect(reached).toEqual(['/graphql', '/graphql', '/graphql']);
  });

  it('lets a key seen to verify pay its own budget, even from a spent address, and never charges a bad key to a partner', async () => {
    // First sight: the address pays, the key verifies, the address is refunded and the partner pays.
    expect(await ask('/graphql', { 'x-api-key': 'good' })).toEqual({ status: 200, remaining: '4' });
    expect(takes).toEqual(['address:127.0.0.1 1', 'partner:7 1']);
    expect(refunds).toEqual(['address:127.0.0.1 1']);
    for (let i = 1; i <= 4; i++) await ask('/graphql', { 'x-api-key': `forged-${i}` });
    expect(verified).toEqual(['good', 'forged-1', 'forged-2', 'forged-3']);

    // The address is spent; the known key is verified from the authenticator's memory and pays its own budget.
    takes = [];
    expect(await ask('/graphql', { 'x-api-key': 'good' })).toEqual({ status: 200, remaining: '3' });
    expect(takes).toEqual(['partner:7 1']);
    // A good key first seen from a spent address waits with it: it cannot be told from a random one unverified.
    expect((await ask('/graphql', { 'x-api-key': 'other' })).status).toBe(429);
    expect(verified.at(-1)).toBe('good');
  });

  it('charges every path but health and metrics, /admin to its caller, and never an admin', async () => {
    for (const path of ['/health', '/health/live', '/health/ready?x=1', '/metrics']) expect((await ask(path)).remaining).toBeNull();
    expect(takes).toEqual([]);
    // An admin's token, first seen: the address pays until it verifies, then gets its point back.
    expect(await ask('/admin/cache', { authorization: 'Bearer admin' })).toEqual({ status: 200, remaining: null });
    expect(refunds).toEqual(['address:127.0.0.1 1']);
    const remaining = [];
    for (const path of ['/admin/cache', '/nope', '/graphql?query=%7B__typename%7D']) remaining.push((await ask(path)).remaining);
    expect(remaining).toEqual(['2', '1', '0']);
    expect((await ask('/admin/cache')).status).toBe(429);
    // Known now, the admin is never limited, spent address or not.
    expect(await ask('/admin/cache', { authorization: 'Bearer admin' })).toEqual({ status: 200, remaining: null });
    expect(takes).toEqual(Array(5).fill('address:127.0.0.1 1'));
  });

  it('answers GraphQL under any other spelling of /graphql 404, before admission and the gateway', async () => {
    const spellings = ['/graphql/', '/x/graphql', '//graphql', '/./graphql', '/graphql/../graphql', '/health/../graphql', '/health?/graphql', '/metrics?x=/graphql', '/nope?/graphql/'];
    for (const path of spellings) {
      const response = await raw(path);
      expect(response.status, path).toBe(404);
      expect(JSON.parse(response.body)).toEqual({ errors: [{ message: expect.stringMatching(/served at \/graphql/), extensions: { code: 'NOT_FOUND' } }] });
    }
    expect(takes).toEqual([]);
    expect(reached).toEqual([]);
    expect((await ask('/graphql?query=%7B__typename%7D')).status).toBe(200);
    expect(reached).toEqual(['/graphql']);
  });
});
