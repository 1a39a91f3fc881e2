/** Who is asking, as the gateway verified it. Never built from an unverified header. */
export interface Viewer {
  kind: 'anonymous' | 'user' | 'partner' | 'service' | 'admin';
  /** The JWT subject, or the partner id; absent for anonymous callers. */
  id?: string;
  name?: string;
}

export const anonymous: Viewer = Object.freeze({ kind: 'anonymous' });

/** Credentials were presented and are not good: a 401, never a fall-back to anonymous. */
export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
}
