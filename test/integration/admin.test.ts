import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAudit } from '../../drizzle/schema/operations.ts';
import type { Warmer, WarmRun } from '../../src/admin/warmer.ts';
import { createPartner } from '../../src/auth/partner-keys.ts';
import type { Cache } from '../../src/cache/create-cache.ts';
import type { Gateway } from '../../src/gateway.ts';
import { hasRedis, sharedCache, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';
import { removeSharedKeys } from '../helpers/contrail-server.ts';

const airportName = 'query AirportName($iata: String!) { airport(iata: $iata) { name } }';

/** The warming service's contract (src/warming/ implements it), recording what it was asked. */
function recordingWarmer(): Warmer & { runs: WarmRun[] } {
  const runs: WarmRun[] = [];
  return {
    runs,
    async warm(options) {
      const now = new Date();
      const run: WarmRun = { id: runs.length + 1, trigger: options.trigger, status: 'success', startedAt: now, finishedAt: now, durationMs: 0, keysWarmed: options.limit ?? 0, errors: 0 };
      runs.push(run);
      return run;
    },
    lastRun: async () => runs.at(-1) ?? null,
  };
}

describe.skipIf(!hasRedis || !hasPostgres)('the admin API', () => {
  let database: TestDatabase;
  let cache: Cache;
  let gateway: Gateway;
  const warmer = recordingWarmer();
  const prefix = uniquePrefix('admin');
  const callers: Record<'anonymous' | 'user' | 'partner' | 'admin', Record<string, string>> = { anonymous: {}, user: {}, partner: {}, admin: {} };
  let partnerId = '';

  beforeAll(async () => {
    database = await seededPostgres();
    cache = await sharedCache(database.url!, prefix);
    gateway = testGateway(database, { cache: cache.chain, warmer });
    const partner = await createPartner(database.db, `Admin test ${prefix}`);
    partnerId = String(partner.partner.id);
    callers.user = bearer(await token({ sub: 'u1' }));
    callers.partner = { 'x-api-key': partner.key };
    callers.admin = bearer(await token({ sub: 'ops', role: 'admin' }));
  });
  afterAll(async () => {
    await cache?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });

  async function rest(method: string, path: string, headers: Record<string, string>, body?: unknown) {
    const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await gateway.fetch(`http://contrail.test${path}`, init);
    return { status: response.status, body: await response.json() };
  }

  const audits = (action: string) =>
    database.db.select({ actor: adminAudit.actor, result: adminAudit.result, detail: adminAudit.detail, input: adminAudit.input }).from(adminAudit).where(eq(adminAudit.action, action)).orderBy(asc(adminAudit.id));

  const routes: [string, string, unknown?][] = [
    ['POST', '/admin/cache/invalidate', { tags: ['Airport:1'] }],
    ['DELETE', '/admin/cache', { confirm: prefix }],
    ['POST', '/admin/cache/warm', {}],
    ['GET', '/admin/cache/warm'],
    ['GET', '/admin/cache/stats'],
    ['GET', '/admin/cache/health'],
    ['GET', '/admin/cache/insights'],
  ];

  it('refuses every admin route to anonymous callers (401) and to users and partners (403), and audit-logs each refusal', async () => {
    for (const [method, path, body] of routes) {
      const anonymous = await rest(method, path, callers.anonymous, body);
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      expect(anonymous.body.errors[0]).toEqual({ message: 'Sign in as an admin: this is the admin API.', extensions: { code: 'UNAUTHENTICATED' } });
      const user = await rest(method, path, callers.user, body);
      expect(user.status).toBe(403);
      expect(user.body.errors[0]).toEqual({ message: 'Admins only: you are signed in as a user.', extensions: { code: 'FORBIDDEN' } });
      const partner = await rest(method, path, callers.partner, body);
      expect(partner.status).toBe(403);
      expect(partner.body.errors[0].message).toBe('Admins only: you are signed in as a partner.');
      expect((await audits(`${method} ${path}`)).map(({ actor, result }) => [actor, result])).toEqual([
        ['anonymous', 'refused'],
        ['user:u1', 'refused'],
        [`partner:${partnerId}`, 'refused'],
      ]);
    }
  });

  it('refuses every admin field and mutation to non-admins with a code, and audit-logs each refusal', async () => {
    const operations: [string, string][] = [
      ['invalidateCache', 'mutation { invalidateCache(input: { tags: ["Airport:1"], dryRun: true }) { entries } }'],
      ['warmCache', 'mutation { warmCache { status } }'],
      ['cacheStats', '{ cacheStats { tiers { tier } } }'],
      ['cacheInsights', '{ cacheInsights { requests } }'],
    ];
    for (const [action, query] of operations) {
      for (const [caller, code] of [['anonymous', 'UNAUTHENTICATED'], ['user', 'FORBIDDEN'], ['partner', 'FORBIDDEN']] as const) {
        const { body } = await graphql(gateway, query, { headers: callers[caller] });
        expect(body.errors?.[0]?.extensions?.code, `${action} as ${caller}`).toBe(code);
        expect(body.data).toBeNull();
      }
      expect((await audits(action)).map(({ result }) => result)).toEqual(['refused', 'refused', 'refused']);
    }
  });

  it('answers a bad body with a 400 that names the field, audit-logged as refused', async () => {
    const cases: [unknown, string][] = [
      [{ tags: 'Airport:1' }, 'tags'],
      [{ tagz: ['Airport:1'] }, 'tagz'],
      ['{not json', 'body'],
      [{}, 'tags'],
      [{ pattern: 'rc1|\\' }, 'pattern'],
      [{ types: ['NoSuchType'] }, 'types'],
      [{ entities: [{ type: 'Airport' }] }, 'entities.0.id'],
      [{ keys: ['k'], dryRun: 'yes' }, 'dryRun'],
    ];
    for (const [body, field] of cases) {
      const answer = await rest('POST', '/admin/cache/invalidate', callers.admin, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.errors[0].extensions).toEqual({ code: 'BAD_REQUEST', field });
      expect(answer.body.errors[0].message).toContain(field);
    }
    const warm = await rest('POST', '/admin/cache/warm', callers.admin, { limit: 0 });
    expect(warm).toMatchObject({ status: 400, body: { errors: [{ extensions: { field: 'limit' } }] } });
    const logged = await audits('POST /admin/cache/invalidate');
    expect(logged.filter((a) => a.actor === 'admin:ops').map((a) => [a.result, (a.detail as { field: string }).field])).toEqual(cases.map(([, field]) => ['refused', field]));
  });

  it('refuses to flush everything without the confirmation, over REST and GraphQL', async () => {
    expect(await rest('DELETE', '/admin/cache', callers.admin, {})).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_REQUEST', field: 'confirm' } }] } });
    expect(await rest('DELETE', '/admin/cache', callers.admin, { confirm: 'contrail:' })).toMatchObject({ status: 400 });
    const { body } = await graphql(gateway, 'mutation { invalidateCache(input: { all: true }) { entries } }', { headers: callers.admin });
    expect(body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'input.confirm' });
    // A dry run needs none: it deletes nothing.
    expect((await rest('DELETE', '/admin/cache', callers.admin, { dryRun: true })).status).toBe(200);
    expect((await rest('DELETE', '/admin/cache', callers.admin, { confirm: prefix })).status).toBe(200);
    expect((await audits('DELETE /admin/cache')).filter((a) => a.actor === 'admin:ops').map((a) => a.result)).toEqual(['refused', 'refused', 'ok', 'ok']);
  });

  it('invalidates by operation name and by type: the dry run counts exactly what is then deleted', async () => {
    await rest('DELETE', '/admin/cache', callers.admin, { confirm: prefix });
    await graphql(gateway, '{ airline(iata: "BA") { name } }');
    // The key holds the operation name the client sent (as Apollo Client, urql and graphql-request do).
    for (const iata of ['JFK', 'LHR']) await graphql(gateway, airportName, { variables: { iata }, operationName: 'AirportName' });
    const byName = (dryRun: boolean) =>
      graphql(gateway, `mutation { invalidateCache(input: { operationName: "AirportName", dryRun: ${dryRun} }) { dryRun entries tiers { tier entries } patterns } }`, { headers: callers.admin });
    const dry = (await byName(true)).body.data.invalidateCache;
    expect(dry).toEqual({
      dryRun: true,
      entries: 2,
      tiers: [
        { tier: 'memory', entries: 2 },
        { tier: 'redis', entries: 2 },
        { tier: 'postgres', entries: 2 },
      ],
      patterns: ['rc*|"AirportName"|*'],
    });
    expect((await byName(false)).body.data.invalidateCache).toEqual({ ...dry, dryRun: false });
    expect((await graphql(gateway, airportName, { variables: { iata: 'JFK' }, operationName: 'AirportName' })).body.extensions.cache.hit).toBe(false);

    const byType = (dryRun: boolean) => rest('POST', '/admin/cache/invalidate', callers.admin, { types: ['Airline'], dryRun });
    const dryType = await byType(true);
    expect(dryType.body).toMatchObject({ dryRun: true, entries: 1, tiers: { memory: 1, redis: 1, postgres: 1 }, failed: {} });
    const done = await byType(false);
    expect(done.body).toEqual({ ...dryType.body, dryRun: false, tags: ['type:Airline'] });
    expect((await audits('POST /admin/cache/invalidate')).at(-1)).toMatchObject({ actor: 'admin:ops', result: 'ok', input: { types: ['Airline'], dryRun: false }, detail: { entries: 1 } });
  });

  it('reports stats per tier, the top keys and the last warming run; warms through the warmer', async () => {
    const run = await rest('POST', '/admin/cache/warm', callers.admin, { limit: 5 });
    expect(run).toMatchObject({ status: 200, body: { id: 1, status: 'success', trigger: 'admin', keysWarmed: 5 } });
    expect((await rest('GET', '/admin/cache/warm', callers.admin)).body).toMatchObject({ id: 1 });
    await graphql(gateway, airportName, { variables: { iata: 'CDG' }, operationName: 'AirportName' });
    await graphql(gateway, airportName, { variables: { iata: 'CDG' }, operationName: 'AirportName' });
    const stats = await rest('GET', '/admin/cache/stats', callers.admin);
    expect(stats.status).toBe(200);
    expect(stats.body.tiers.map((t: { tier: string }) => t.tier)).toEqual(['memory', 'redis', 'postgres']);
    const [memory, redis, postgres] = stats.body.tiers;
    expect(memory.entries).toBeGreaterThan(0);
    expect(memory.bytes).toBeGreaterThan(0);
    expect(redis).toMatchObject({ entries: null, bytes: null, breaker: 'closed' });
    expect(postgres.entries).toBeGreaterThan(0);
    expect(stats.body.topKeys[0]).toMatchObject({ operationName: 'AirportName', hits: 1 });
    expect(stats.body.lastWarming).toMatchObject({ id: 1, status: 'success' });
    const { body } = await graphql(gateway, '{ cacheStats { tiers { tier hitRate breaker } lastWarming { id status } } }', { headers: callers.admin });
    expect(body.data.cacheStats.lastWarming).toEqual({ id: '1', status: 'success' });
  });

  it('reports insights over GraphQL and REST, and health as /health computes it', async () => {
    const { body } = await graphql(gateway, '{ cacheInsights(top: 3) { requests hits hitRate achievableHitRate operations { operationName misses } } }', { headers: callers.admin });
    expect(body.data.cacheInsights.requests).toBeGreaterThan(0);
    expect(body.data.cacheInsights.achievableHitRate).toBeGreaterThanOrEqual(body.data.cacheInsights.hitRate);
    const rested = await rest('GET', '/admin/cache/insights?top=3', callers.admin);
    expect(rested.body.requests).toBe(body.data.cacheInsights.requests);
    const health = await rest('GET', '/admin/cache/health', callers.admin);
    const direct = await gateway.fetch('http://contrail.test/health', { headers: callers.admin });
    expect(health.status).toBe(direct.status);
    expect(Object.keys(health.body).sort()).toEqual(Object.keys(await direct.json()).sort());
  });
});
