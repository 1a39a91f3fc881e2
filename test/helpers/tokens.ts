import { SignJWT } from 'jose';
import { testJwtSecret } from './gateway.ts';

/** A signed HS256 token, as an identity provider would issue it. */
export function token(claims: { sub?: string; role?: string; name?: string }, options: { expiresIn?: string | number; secret?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? testJwtSecret));
}

export const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });
