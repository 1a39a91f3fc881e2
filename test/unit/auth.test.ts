import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartner, revokePartner } from '../../src/auth/partner-keys.ts';
import type { Gateway } from '../../src/gateway.ts';
import { seededPglite, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';

let database: TestDatabase;
let gateway: Gateway;

beforeAll(async () => {
  database = await seededPglite();
  gateway = testGateway(database);
});
afterAll(() => database.close());

const whoAmI = '{ viewer { kind id name } }';

describe('who is asking', () => {
  it('is anonymous without credentials', async () => {
    expect(await graphql(gateway, whoAmI)).toMatchObject({ status: 200, body: { data: { viewer: { kind: 'anonymous', id: null } } } });
  });

  it('is the token subject with a valid bearer token; service and admin by its role claim', async () => {
    expect((await graphql(gateway, whoAmI, { headers: bearer(await token({ sub: 'u-42', name: 'Ada' })) })).body.data.viewer).toEqual({ kind: 'user', id: 'u-42', name: 'Ada' });
    expect((await graphql(gateway, whoAmI, { headers: bearer(await token({ sub: 'svc-1', role: 'service' })) })).body.data.viewer.kind).toBe('service');
    expect((await graphql(gateway, whoAmI, { headers: bearer(await token({ sub: 'ops', role: 'admin' })) })).body.data.viewer.kind).toBe('admin');
  });

  it.each([
    ['an expired token', async () => bearer(await token({ sub: 'u1' }, { expiresIn: Math.floor(Date.now() / 1000) - 120 }))],
    ['a token signed with another secret', async () => bearer(await token({ sub: 'u1' }, { secret: 'x'.repeat(40) }))],
    ['a token without a subject', async () => bearer(await token({}))],
    ['a malformed Authorization header', async () => ({ authorization: 'Basic dXNlcjpwYXNz' })],
    ['garbage as a token', async () => bearer('not.a.jwt')],
    ['an unknown API key', async () => ({ 'x-api-key': `ctr_0123456789_${'a'.repeat(43)}` })],
  ])('answers 401 UNAUTHENTICATED for %s, never falling back to anonymous', async (_, headers) => {
    const { status, body } = await graphql(gateway, whoAmI, { headers: await headers() });
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('knows a partner by its API key until the key is revoked', async () => {
    const { partner, key } = await createPartner(database.db, 'SkyTravel');
    expect(await graphql(gateway, whoAmI, { headers: { 'x-api-key': key } })).toMatchObject({
      status: 200,
      body: { data: { viewer: { kind: 'partner', id: String(partner.id), name: 'SkyTravel' } } },
    });
    await revokePartner(database.db, 'SkyTravel');
    expect((await graphql(gateway, whoAmI, { headers: { 'x-api-key': key } })).status).toBe(401);
  });

  it('refuses two credentials at once', async () => {
    const { key } = await createPartner(database.db, 'Both');
    const { status } = await graphql(gateway, whoAmI, { headers: { 'x-api-key': key, ...bearer(await token({ sub: 'u1' })) } });
    expect(status).toBe(401);
  });
});
