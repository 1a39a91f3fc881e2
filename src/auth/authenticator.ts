import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Database } from '../db/database.ts';
import { partnerForKey } from './partner-keys.ts';
import { anonymous, AuthenticationError, type Viewer } from './viewer.ts';

export interface AuthConfig {
  /** HS256 shared secret for bearer tokens. */
  jwtSecret?: string;
  /** Or a JWKS URL whose keys sign them. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  clockToleranceSeconds: number;
  /** How long a partner key's lookup (or its absence) is remembered: revocation takes up to this long. */
  apiKeyCacheMs: number;
}

/** Anything with a case-insensitive `get`, such as fetch Headers or a node header adapter. */
export type HeaderSource = { get(name: string): string | null };

export type Authenticate = (headers: HeaderSource) => Promise<Viewer>;

// A lone surrogate (in Unicode mode a pair matches as one astral code point, not here).
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const MAX_SUBJECT_LENGTH = 256;

function viewerFromClaims(claims: JWTPayload): Viewer {
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new AuthenticationError('token has no subject (sub)');
  // An identity keys private cache entries and rows: it must be text that every store keeps
  // as it is (a lone surrogate turns into U+FFFD in UTF-8, and so into someone else's id).
  if (LONE_SURROGATE.test(claims.sub) || claims.sub.length > MAX_SUBJECT_LENGTH) {
    throw new AuthenticationError(`token subject (sub) must be well-formed Unicode of at most ${MAX_SUBJECT_LENGTH} characters`);
  }
  const role = claims.role;
  const kind = role === 'admin' ? 'admin' : role === 'service' ? 'service' : 'user';
  const name = typeof claims.name === 'string' && !LONE_SURROGATE.test(claims.name) ? claims.name : undefined;
  return { kind, id: claims.sub, name };
}

/**
 * Turns request headers into a verified viewer. Verified credentials are remembered (tokens
 * until they expire, partner keys briefly), so a cache hit costs a map lookup, not a signature
 * check or a query.
 */
export function createAuthenticator(config: AuthConfig, db: Database): Authenticate {
  const key: Uint8Array | JWTVerifyGetKey | undefined = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : config.jwtSecret
      ? new TextEncoder().encode(config.jwtSecret)
      : undefined;
  const tokens = new LRUCache<string, Viewer>({ max: 10_000 });
  const apiKeys = new LRUCache<string, Viewer | 'unknown'>({ max: 10_000, ttl: Math.max(config.apiKeyCacheMs, 1) });

  async function fromToken(token: string): Promise<Viewer> {
    const known = tokens.get(token);
    if (known) return known;
    if (!key) throw new AuthenticationError('bearer tokens are not accepted: no JWT secret or JWKS is configured');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, {
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: config.clockToleranceSeconds,
        algorithms: config.jwksUrl ? undefined : ['HS256'],
      }));
    } catch (err) {
      throw new AuthenticationError(`invalid token: ${(err as Error).message}`);
    }
    const viewer = viewerFromClaims(payload);
    // Remembered until the token expires (and not past the clock tolerance).
    const ttl = payload.exp ? payload.exp * 1000 - Date.now() : 60_000;
    if (ttl > 0) tokens.set(token, viewer, { ttl });
    return viewer;
  }

  async function fromApiKey(apiKey: string): Promise<Viewer> {
    let known = apiKeys.get(apiKey);
    if (!known) {
      const partner = await partnerForKey(db, apiKey);
      known = partner ? { kind: 'partner', id: String(partner.id), name: partner.name } : 'unknown';
      if (config.apiKeyCacheMs > 0) apiKeys.set(apiKey, known);
    }
    if (known === 'unknown') throw new AuthenticationError('unknown or revoked API key');
    return known;
  }

  return async (headers) => {
    const authorization = headers.get('authorization');
    const apiKey = headers.get('x-api-key');
    if (authorization && apiKey) throw new AuthenticationError('send one credential: Authorization or X-Api-Key, not both');
    if (apiKey) return fromApiKey(apiKey.trim());
    if (!authorization) return anonymous;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new AuthenticationError('Authorization must be "Bearer <token>"');
    return fromToken(match[1]!);
  };
}
