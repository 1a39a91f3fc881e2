import { SignJWT } from 'jose';
import { createPartner, revokePartner } from '../../src/auth/partner-keys.ts';
import type { Database } from '../../src/db/database.ts';
import { testJwtSecret } from './gateway.ts';

/** The audience the fuzzed gateway's authenticator requires: a token for another is refused. */
export const fuzzAudience = 'contrail-fuzz';

/** Who a request's credentials say it is — or that they are bad (a 401 is the only right answer). */
export type Claimed = { kind: 'anonymous' } | { kind: 'user' | 'partner'; id: string } | { kind: 'invalid' };

export interface Credential {
  /** What it is, for counts and failure messages: `user:alice`, `bad:alg-none`. */
  name: string;
  headers: Record<string, string>;
  claimed: Claimed;
}

/** The users whose private answers the fuzz run tries to read across. */
export const fuzzUsers = ['alice', 'bob', 'carol'] as const;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function sign(claims: Record<string, unknown>, { secret = testJwtSecret, alg = 'HS256' }: { secret?: string; alg?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg })
    .sign(new TextEncoder().encode(secret));
}

const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });

/**
 * Every credential the fuzz run sends: good ones for three users and a partner, and bad ones of
 * every kind a client can get wrong or an attacker can forge. Creates the partners it needs.
 */
export async function fuzzCredentials(db: Database): Promise<Credential[]> {
  const good = (sub: string, extra: Record<string, unknown> = {}) => sign({ sub, aud: fuzzAudience, iat: now(), exp: now() + 3600, ...extra });
  const users = await Promise.all(
    fuzzUsers.map(async (sub): Promise<Credential> => ({ name: `user:${sub}`, headers: bearer(await good(sub)), claimed: { kind: 'user', id: sub } })),
  );
  const partner = await createPartner(db, `Fuzz ${Math.random().toString(36).slice(2, 8)}`);
  const revokedName = `Fuzz revoked ${Math.random().toString(36).slice(2, 8)}`;
  const revoked = await createPartner(db, revokedName);
  await revokePartner(db, revokedName);

  const aliceClaims = base64url({ sub: 'alice', aud: fuzzAudience, exp: now() + 3600 });
  const valid = await good('alice');
  const [validHeader, validPayload] = valid.split('.');
  const bad: [string, Record<string, string>][] = [
    ['wrong-signature', bearer(await sign({ sub: 'alice', aud: fuzzAudience, exp: now() + 3600 }, { secret: 'another-secret-that-is-at-least-32-characters!' }))],
    ['alg-none', bearer(`${base64url({ alg: 'none', typ: 'JWT' })}.${aliceClaims}.`)],
    ['alg-none-with-signature', bearer(`${base64url({ alg: 'none' })}.${aliceClaims}.${valid.split('.')[2]}`)],
    ['alg-HS512', bearer(await sign({ sub: 'alice', aud: fuzzAudience, exp: now() + 3600 }, { alg: 'HS512' }))],
    ['expired', bearer(await good('alice', { exp: now() - 3600, iat: now() - 7200 }))],
    ['not-yet-valid', bearer(await good('alice', { nbf: now() + 3600 }))],
    ['wrong-audience', bearer(await good('alice', { aud: 'another-api' }))],
    ['no-audience', bearer(await sign({ sub: 'alice', exp: now() + 3600 }))],
    ['no-subject', bearer(await sign({ aud: fuzzAudience, exp: now() + 3600 }))],
    ['lone-surrogate-subject', bearer(await good('bob\ud800'))],
    ['long-subject', bearer(await good('a'.repeat(300)))],
    // Alice's header and signature around Bob's claims: the signature no longer matches.
    ['swapped-payload', bearer(`${validHeader}.${base64url({ sub: 'bob', aud: fuzzAudience, exp: now() + 3600 })}.${valid.split('.')[2]}`)],
    ['truncated', bearer(valid.slice(0, -5))],
    ['two-parts', bearer(`${validHeader}.${validPayload}`)],
    ['garbage', bearer('not.a.jwt')],
    ['basic-scheme', { authorization: 'Basic YWxpY2U6c2VjcmV0' }],
    ['bearer-without-token', { authorization: 'Bearer' }],
    ['bearer-two-tokens', { authorization: `Bearer ${valid} ${valid}` }],
    ['api-key-random', { 'x-api-key': 'letmein' }],
    ['api-key-shaped-unknown', { 'x-api-key': `ctr_0123456789_${'a'.repeat(43)}` }],
    ['api-key-known-prefix-wrong-secret', { 'x-api-key': partner.key.slice(0, -4) + 'AAAA' }],
    ['api-key-revoked', { 'x-api-key': revoked.key }],
    ['api-key-sql', { 'x-api-key': "ctr_' or 1=1 --" }],
    ['both-credentials', { ...bearer(valid), 'x-api-key': partner.key }],
  ];
  return [
    { name: 'anonymous', headers: {}, claimed: { kind: 'anonymous' } },
    ...users,
    { name: 'partner', headers: { 'x-api-key': partner.key }, claimed: { kind: 'partner', id: String(partner.partner.id) } },
    ...bad.map(([name, headers]): Credential => ({ name: `bad:${name}`, headers, claimed: { kind: 'invalid' } })),
  ];
}
