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

/** Deeper values are not keyed (the limits plugin refuses such variables): no input of ours nests this far. */
export const MAX_KEY_DEPTH = 64;

/** A value the key cannot represent faithfully: the request is answered without the cache. */
export class UnkeyableValueError extends Error {
  override name = 'UnkeyableValueError';
}

/**
 * A canonical, injective text for a JSON-like value: object keys sorted; strings (keys
 * included) through JSON.stringify, which escapes quotes, control characters and lone
 * surrogates, so the text is well-formed Unicode and survives UTF-8 (Redis, Postgres)
 * unchanged; numbers JSON cannot write (-0, NaN, ±Infinity — what `1e400` parses to) as
 * tokens of their own instead of JSON's `0` and `null`. Every value's text is self-delimiting,
 * so distinct values can never give the same text.
 */
export function canonicalValue(value: unknown, depth = 0): string {
  if (depth > MAX_KEY_DEPTH) throw new UnkeyableValueError(`value nested deeper than ${MAX_KEY_DEPTH} levels`);
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (Object.is(value, -0)) return '-0';
      return Number.isFinite(value) ? JSON.stringify(value) : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((item) => canonicalValue(item, depth + 1)).join(',')}]`;
      const record = value as Record<string, unknown>;
      const fields = Object.keys(record)
        .sort()
        .map((name) => `${JSON.stringify(name)}:${canonicalValue(record[name], depth + 1)}`);
      return `{${fields.join(',')}}`;
    }
    default:
      throw new UnkeyableValueError(`a ${typeof value} has no key`);
  }
}

/**
 * version | schema | document | operation | variables (key order does not matter) | scope.
 * The digests cannot contain the separator and every free-form part is canonical text
 * (see canonicalValue), so two different requests never share a key — not even once the key
 * is written as UTF-8.
 */
export function buildResponseCacheKey(parts: ResponseCacheKeyParts): string {
  return `${keyBase(parts)}|${parts.scope}`;
}

/** Everything but the scope: the same for every caller of one request text, so it can be memoised. */
export function keyBase(parts: Omit<ResponseCacheKeyParts, 'scope'>): string {
  const variables = canonicalValue(parts.variables ?? {});
  return `rc${parts.version}|${parts.schemaHash}|${parts.documentId}|${canonicalValue(parts.operationName ?? null)}|${variables}`;
}

export interface VerifiedPrincipal {
  kind: string;
  id?: string;
}

/**
 * The part of the key that says who may share an entry, from the *verified* principal —
 * never from a raw header; the id as canonical text, like every free-form part. Null: the
 * answer may not be cached for this caller.
 */
export function scopeValue(scope: CacheScope, principal: VerifiedPrincipal): string | null {
  switch (scope) {
    case 'PUBLIC':
      return 'public';
    case 'AUTHENTICATED':
      return principal.kind === 'anonymous' ? 'anonymous' : 'authenticated';
    case 'PARTNER':
      return `kind:${canonicalValue(principal.kind)}`;
    case 'PRIVATE':
      return principal.kind !== 'anonymous' && principal.id ? `${canonicalValue(principal.kind)}:${canonicalValue(principal.id)}` : null;
    default:
      return null;
  }
}

/** Whether callers of several roles share entries of this scope value (PUBLIC; signed-in AUTHENTICATED). */
export function sharedAcrossRoles(scope: string): boolean {
  return scope === 'public' || scope === 'authenticated';
}
