import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAudit } from '../../drizzle/schema/operations.ts';
import { trustedDocumentOf } from '../../plugins/use-trusted-documents.ts';
import { DEFAULT_AUDIT_VALUE_MAX_BYTES } from '../../src/admin/audit.ts';
import type { Cache } from '../../src/cache/create-cache.ts';
import type { Gateway } from '../../src/gateway.ts';
import { removeSharedKeys } from '../helpers/contrail-server.ts';
import { hasRedis, sharedCache, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';

describe.skipIf(!hasRedis || !hasPostgres)('the admin audit log', () => {
  let database: TestDatabase;
  let cache: Cache;
  let gateway: Gateway;
  const prefix = uniquePrefix('admin-audit');
  let admin: Record<string, string>;
  let user: Record<string, string>;

  beforeAll(async () => {
    database = await seededPostgres();
    cache = await sharedCache(database.url!, prefix);
    gateway = testGateway(database, { cache: cache.chain });
    admin = bearer(await token({ sub: 'ops', role: 'admin' }));
    user = bearer(await token({ sub: 'u1' }));
  });
  afterAll(async () => {
    await cache?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });

  const audits = (action: string) =>
    database.db.select({ actor: adminAudit.actor, result: adminAudit.result, input: adminAudit.input, detail: adminAudit.detail }).from(adminAudit).where(eq(adminAudit.action, action)).orderBy(asc(adminAudit.id));

  const post = (headers: Record<string, string>, body: string) =>
    gateway.fetch('http://contrail.test/admin/cache/invalidate', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });

  it('keeps no input of a refused caller: a 200 KB body leaves who, what and the refusal only', async () => {
    const body = JSON.stringify({ keys: Array.from({ length: 2000 }, (_, i) => `k${i}:${'x'.repeat(95)}`) });
    expect(body.length).toBeGreaterThan(200_000);
    expect((await post({}, body)).status).toBe(401);
    expect((await post(user, body)).status).toBe(403);
    expect(await audits('POST /admin/cache/invalidate')).toEqual([
      { actor: 'anonymous', result: 'refused', input: null, detail: { code: 'UNAUTHENTICATED', message: 'Sign in as an admin: this is the admin API.' } },
      { actor: 'user:u1', result: 'refused', input: null, detail: { code: 'FORBIDDEN', message: 'Admins only: you are signed in as a user.' } },
    ]);
  });

  it("caps an admin's input and a refusal's detail at 4 KB, as a marker with the size; keeps a small input whole", async () => {
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}:${'x'.repeat(95)}`);
    const large = JSON.stringify({ keys, dryRun: true });
    expect((await post(admin, large)).status).toBe(200);
    // An unknown field's name is quoted in the refusal: its detail is bounded too.
    const badField = `f${'y'.repeat(10_000)}`;
    expect((await post(admin, JSON.stringify({ [badField]: 1 }))).status).toBe(400);
    expect((await post(admin, JSON.stringify({ keys: ['k1'], dryRun: true }))).status).toBe(200);

    const [ok, refused, small] = (await audits('POST /admin/cache/invalidate')).filter((row) => row.actor === 'admin:ops');
    expect(ok).toMatchObject({ result: 'ok', input: { truncated: true, bytes: Buffer.byteLength(large) }, detail: { entries: 0 } });
    const preview = (ok!.input as { preview: string }).preview;
    expect(large.startsWith(preview)).toBe(true);
    expect(JSON.stringify(ok!.input).length).toBeLessThanOrEqual(DEFAULT_AUDIT_VALUE_MAX_BYTES);
    expect(refused).toMatchObject({ result: 'refused', input: { truncated: true }, detail: { truncated: true } });
    expect(JSON.stringify(refused!.detail).length).toBeLessThanOrEqual(DEFAULT_AUDIT_VALUE_MAX_BYTES);
    expect(small).toMatchObject({ result: 'ok', input: { keys: ['k1'], dryRun: true } });
  });

  it('audits registerTrustedDocument like every admin call, refusals included', async () => {
    const register = (headers: Record<string, string>, document: string) =>
      graphql(gateway, 'mutation($d: String!, $n: String) { registerTrustedDocument(document: $d, name: $n) }', { headers, variables: { d: document, n: 'audited' } });
    const text = 'query Audited { airport(iata: "LHR") { name } }';
    const { hash } = trustedDocumentOf(text);

    expect((await register({}, text)).body.errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
    expect((await register(user, text)).body.errors).toEqual([expect.objectContaining({ extensions: { code: 'FORBIDDEN' } })]);
    expect((await register(admin, '{ airport(iata: "LHR") { nope } }')).body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'document' } }),
    ]);
    expect((await register(admin, text)).body).toEqual({ data: { registerTrustedDocument: hash } });

    const rows = await audits('registerTrustedDocument');
    expect(rows.map(({ actor, result, input }) => [actor, result, input])).toEqual([
      ['anonymous', 'refused', null],
      ['user:u1', 'refused', null],
      ['admin:ops', 'refused', { document: '{ airport(iata: "LHR") { nope } }', name: 'audited' }],
      ['admin:ops', 'ok', { document: text, name: 'audited' }],
    ]);
    expect(rows[2]!.detail).toMatchObject({ code: 'BAD_REQUEST', field: 'document' });
    expect(rows[3]!.detail).toEqual({ hash });
  });
});
