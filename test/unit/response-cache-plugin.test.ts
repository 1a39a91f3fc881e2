import { createSchema, createYoga } from 'graphql-yoga';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useAuth } from '../../plugins/use-auth.ts';
import { useResponseCache } from '../../plugins/use-response-cache.ts';
import { buildResponseCacheKey, scopeValue } from '../../plugins/response-cache/key.ts';
import { chain, sleep, uniquePrefix } from '../helpers/cache.ts';
import { advanceClock } from '../helpers/clock.ts';
import { graphql } from '../helpers/gateway.ts';

type Principal = { kind: string; id?: string };

/** A gateway over a purpose-built schema: the plugin knows nothing of flights. */
function gatewayFor(resolvers: Record<string, () => unknown>, { cache = chain({ keyPrefix: uniquePrefix('plugin') }), extraFields = '' } = {}) {
  const schema = createSchema({
    typeDefs: /* GraphQL */ `
      enum CacheControlScope { PUBLIC AUTHENTICATED PARTNER PRIVATE NONE }
      directive @cacheControl(maxAge: Int, scope: CacheControlScope, grace: Int) on FIELD_DEFINITION | OBJECT
      type Query {
        slow: String @cacheControl(maxAge: 1, grace: 60)
        members: String @cacheControl(maxAge: 60, scope: AUTHENTICATED)
        ${extraFields}
      }
    `,
    resolvers: { Query: resolvers },
  });
  const auth = useAuth<Principal>({
    authenticate: async (headers) => {
      const user = headers.get('x-user');
      return user ? { kind: 'user', id: user } : { kind: 'anonymous' };
    },
    isAuthenticationError: () => false,
  });
  const responseCache = useResponseCache<Principal>({ cache, schema, principalOf: auth.principalOf });
  const yoga = createYoga({ schema, plugins: [auth, responseCache], logging: false });
  responseCache.attach((url, init) => yoga.fetch(url, init));
  return async (query: string, headers: Record<string, string> = {}) => (await graphql(yoga, query, { headers })).body;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('useResponseCache on its own schema', () => {
  it('serves a stale answer at once within grace while one background refresh runs', async () => {
    let calls = 0;
    const ask = gatewayFor({
      slow: async () => {
        calls++;
        await sleep(150);
        return `answer ${calls}`;
      },
    });
    expect((await ask('{ slow }')).data.slow).toBe('answer 1');
    // Past its maxAge of 1 s, within its grace of 60 s.
    advanceClock(1_500);
    const started = performance.now();
    const stale = await Promise.all([ask('{ slow }'), ask('{ slow }'), ask('{ slow }')]);
    expect(performance.now() - started).toBeLessThan(100);
    for (const answer of stale) expect(answer).toMatchObject({ data: { slow: 'answer 1' }, extensions: { cache: { hit: true, stale: true } } });
    // The refresh runs the origin's 150 ms in real time.
    await sleep(300);
    expect(calls).toBe(2);
    expect(await ask('{ slow }')).toMatchObject({ data: { slow: 'answer 2' }, extensions: { cache: { hit: true, stale: false } } });
  });

  it('keeps serving the stale answer when the origin fails within grace', async () => {
    let fail = false;
    const ask = gatewayFor({
      slow: () => {
        if (fail) throw new Error('origin down');
        return 'good';
      },
    });
    await ask('{ slow }');
    fail = true;
    advanceClock(1_500);
    for (let i = 0; i < 3; i++) {
      expect(await ask('{ slow }')).toMatchObject({ data: { slow: 'good' }, extensions: { cache: { stale: true } } });
      await sleep(50);
    }
  });

  it('never serves one schema\'s answers to a gateway whose schema differs by one field, on one shared chain', async () => {
    const cache = chain({ keyPrefix: uniquePrefix('schemas') });
    const before = gatewayFor({ slow: () => 'old deploy' }, { cache, extraFields: 'retired: String' });
    const after = gatewayFor({ slow: () => 'new deploy' }, { cache });
    expect(await before('{ slow }')).toMatchObject({ data: { slow: 'old deploy' } });
    expect(await before('{ slow }')).toMatchObject({ extensions: { cache: { hit: true } } });
    expect(await after('{ slow }')).toMatchObject({ data: { slow: 'new deploy' }, extensions: { cache: { hit: false } } });
  });

  it('never serves an AUTHENTICATED answer to an anonymous caller', async () => {
    let calls = 0;
    const ask = gatewayFor({ members: () => `members only ${++calls}` });
    expect((await ask('{ members }', { 'x-user': 'a' })).data.members).toBe('members only 1');
    expect((await ask('{ members }', { 'x-user': 'b' })).extensions.cache.hit).toBe(true);
    const anonymous = await ask('{ members }');
    expect(anonymous.extensions.cache.hit).toBe(false);
    expect(anonymous.data.members).toBe('members only 2');
  });
});

describe('response cache keys', () => {
  const parts = { version: '1', schemaHash: 's', documentId: 'd', operationName: 'Op', variables: { a: 1, b: [1, 2] }, scope: 'public' };

  it('are the same whatever the order of the variables, and differ when any part does', () => {
    const key = buildResponseCacheKey(parts);
    expect(buildResponseCacheKey({ ...parts, variables: { b: [1, 2], a: 1 } })).toBe(key);
    for (const change of [{ version: '2' }, { schemaHash: 't' }, { documentId: 'e' }, { operationName: 'Other' }, { variables: { a: 2, b: [1, 2] } }, { scope: 'user:1' }]) {
      expect(buildResponseCacheKey({ ...parts, ...change })).not.toBe(key);
    }
  });

  it('take their scope from the verified principal only', () => {
    expect(scopeValue('PUBLIC', { kind: 'user', id: '1' })).toBe('public');
    expect(scopeValue('AUTHENTICATED', { kind: 'anonymous' })).toBe('anonymous');
    expect(scopeValue('AUTHENTICATED', { kind: 'partner', id: '9' })).toBe('authenticated');
    expect(scopeValue('PARTNER', { kind: 'partner', id: '9' })).toBe('kind:"partner"');
    expect(scopeValue('PRIVATE', { kind: 'user', id: '1' })).toBe('"user":"1"');
    expect(scopeValue('PRIVATE', { kind: 'anonymous' })).toBeNull();
    expect(scopeValue('NONE', { kind: 'admin', id: 'x' })).toBeNull();
  });
});
