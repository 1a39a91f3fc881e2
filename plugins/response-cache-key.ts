import { stringify } from 'safe-stable-stringify';
import type { CacheScope } from './cache-control.ts';

export interface ResponseCacheKeyParts {
  /** Bumped to drop every entry at once (a change of key or value format). */
  version: string;
  /** Changes when the schema does, so answers of an old schema are never served. */
  schemaHash: string;
  /** A digest of the document text, or a persisted operation's id. */
  documentId: string;
  operationName: string | null | undefined;
  variables: Record<string, unknown> | null | undefined;
  /** From `scopeValue`: who may share this entry. */
  scope: string;
}

/**
 * version | schema | document | operation | variables (key order does not matter) | scope.
 * The parts are joined with a separator that cannot occur inside the digests, and the
 * free-form ones are JSON, so no two different requests share a key.
 */
export function buildResponseCacheKey(parts: ResponseCacheKeyParts): string {
  return `${keyBase(parts)}|${parts.scope}`;
}

/** Everything but the scope: the same for every caller of one request text, so it can be memoised. */
export function keyBase(parts: Omit<ResponseCacheKeyParts, 'scope'>): string {
  const variables = parts.variables && Object.keys(parts.variables).length ? stringify(parts.variables) : '';
  return `rc${parts.version}|${parts.schemaHash}|${parts.documentId}|${JSON.stringify(parts.operationName ?? '')}|${variables}`;
}

export interface VerifiedPrincipal {
  kind: string;
  id?: string;
}

/**
 * The part of the key that says who may share an entry, from the *verified* principal —
 * never from a raw header. Null: the answer may not be cached for this caller.
 */
export function scopeValue(scope: CacheScope, principal: VerifiedPrincipal): string | null {
  switch (scope) {
    case 'PUBLIC':
      return 'public';
    case 'AUTHENTICATED':
      return principal.kind === 'anonymous' ? 'anonymous' : 'authenticated';
    case 'PARTNER':
      return `kind:${principal.kind}`;
    case 'PRIVATE':
      return principal.kind !== 'anonymous' && principal.id ? `${principal.kind}:${principal.id}` : null;
    default:
      return null;
  }
}
