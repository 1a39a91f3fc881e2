import type { CacheScope } from './cache-control.ts';

// What a stored answer is and how it goes out over HTTP (RFC 9111 caching, RFC 9110
// validators): pure pieces the core's hit path uses.

export interface Stored {
  etag: string;
  body: string;
}

export interface Meta {
  hit: boolean;
  tier: string;
  ageSeconds: number;
  ttlSeconds: number;
  scope: CacheScope;
  stale: boolean;
}

/** What to send: status, headers (with the content length) and the body in chunks, written in turn (none for 304). */
export interface Answer {
  status: 200 | 304;
  headers: Record<string, string>;
  chunks: Buffer[];
}

export function encodeStored(stored: Stored): string {
  return `${stored.etag}\n${stored.body}`;
}

export function decodeStored(value: unknown): Stored | null {
  if (typeof value !== 'string') return null;
  const newline = value.indexOf('\n');
  return newline > 0 ? { etag: value.slice(0, newline), body: value.slice(newline + 1) } : null;
}

/**
 * The entry's whole lifetime beside its Age (RFC 9111 §4.2.3: a downstream cache takes the age
 * off the max-age), not the remaining lifetime, which would count the age twice.
 */
export function cacheControl(scope: CacheScope, meta: Meta): string {
  const lifetime = Math.max(0, Math.round(meta.ageSeconds + meta.ttlSeconds));
  return `${scope === 'PUBLIC' ? 'public' : 'private'}, max-age=${lifetime}`;
}

/**
 * If-None-Match by the weak comparison (RFC 9110 §13.1.2): `*`, or any tag of the list whose
 * opaque part equals ours, `W/` or not.
 */
export function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}
