import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, type Authenticate } from '../../src/auth/authenticator.ts';
import { AuthenticationError } from '../../src/auth/viewer.ts';
import type { Database } from '../../src/db/database.ts';

// An identity provider on loopback publishing its signing key as a JWKS.
let server: Server;
let privateKey: CryptoKey;
let authenticate: Authenticate;

const headers = (jwt: string) => new Headers({ authorization: `Bearer ${jwt}` });
const sign = (claims: Record<string, unknown>, { issuer = 'https://idp.test', audience = 'contrail' } = {}) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience(audience).setExpirationTime('5m').sign(privateKey);

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  authenticate = createAuthenticator(
    { jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`, issuer: 'https://idp.test', audience: 'contrail', clockToleranceSeconds: 5, apiKeyCacheMs: 0 },
    {} as Database,
  );
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('bearer tokens signed by a JWKS', () => {
  it('verifies the signature against the published keys and maps the claims', async () => {
    expect(await authenticate(headers(await sign({ sub: 'u-1', role: 'service' })))).toEqual({ kind: 'service', id: 'u-1', name: undefined });
  });

  it('refuses a token for another audience or from another issuer', async () => {
    await expect(authenticate(headers(await sign({ sub: 'u-1' }, { audience: 'someone-else' })))).rejects.toThrow(AuthenticationError);
    await expect(authenticate(headers(await sign({ sub: 'u-1' }, { issuer: 'https://evil.test' })))).rejects.toThrow(AuthenticationError);
  });
});
