import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Authenticate } from '../auth/authenticator.ts';
import type { Viewer } from '../auth/viewer.ts';

/** The signed-in identity the warmer replays AUTHENTICATED operations as. */
export interface ServiceIdentity {
  /** `Authorization: Bearer <token>` for the warmer's requests; never leaves this process. */
  readonly authorization: string;
  readonly viewer: Viewer;
  /** `authenticate`, plus this identity's token. */
  wrap(authenticate: Authenticate): Authenticate;
}

/**
 * A service viewer minted in-process: a random bearer token, made at start-up and known only to
 * this process, that the gateway's authenticator (wrapped) verifies as `{ kind: 'service' }`.
 * It needs no JWT secret or identity provider (a JWKS-only deployment has no key to sign with),
 * and it is a real bearer token: the response cache keys the answer as any signed-in caller's,
 * and a stale answer's background refresh, which resends the credentials, runs as it too.
 */
export function createServiceIdentity(id = 'contrail-warmer'): ServiceIdentity {
  const token = `${id}.${randomBytes(32).toString('base64url')}`;
  const expected = Buffer.from(`Bearer ${token}`);
  const viewer: Viewer = Object.freeze({ kind: 'service', id, name: 'cache warmer' });
  return {
    authorization: `Bearer ${token}`,
    viewer,
    wrap(authenticate) {
      return (headers) => {
        const authorization = headers.get('authorization');
        if (authorization && authorization.length === expected.length && timingSafeEqual(Buffer.from(authorization), expected)) return Promise.resolve(viewer);
        return authenticate(headers);
      };
    },
  };
}
