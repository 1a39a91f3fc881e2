import type { CacheScope } from './cache-control.ts';
import { UNPURGEABLE } from './cdn-tags.ts';

// What a stored answer is and how it goes out over HTTP (RFC 9111 caching, RFC 9110
// validators): pure pieces the core's hit path uses.

export interface Stored {
  /** Weak; a digest of the body and the tag line. */
  etag: string;
  /**
   * A PUBLIC entry's tags for a CDN (see cdn-tags.ts `tagLine`): the Surrogate-Key value,
   * UNPURGEABLE when they did not fit, or ''.
   */
  tagLine: string;
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

/** One line each for the ETag and the tag line (neither holds a newline), then the body. */
export function encodeStored(stored: Stored): string {
  return `${stored.etag}\n${stored.tagLine}\n${stored.body}`;
}

/**
 * The stored answer, or null for anything else — including the first format, `etag\nbody`,
 * told by the `{` that opens a JSON body where the tag line would be (a tag line never starts
 * with one): such an entry has no tags to send a CDN, so it counts as a miss and is made again.
 * Slices, not copies: this runs on every hit.
 */
export function decodeStored(value: unknown): Stored | null {
  if (typeof value !== 'string') return null;
  const first = value.indexOf('\n');
  if (first <= 0 || value.charCodeAt(first + 1) === 0x7b) return null;
  const second = value.indexOf('\n', first + 1);
  if (second < 0) return null;
  return { etag: value.slice(0, first), tagLine: value.slice(first + 1, second), body: value.slice(second + 1) };
}

/**
 * The entry's whole lifetime beside its Age (RFC 9111 §4.2.3: a downstream cache takes the age
 * off the max-age), not the remaining lifetime, which would count the age twice. A PUBLIC
 * answer adds `s-maxage` for shared caches (a CDN): `sMaxAgeFactor` times the lifetime, left
 * out where that equals max-age or the factor is 0; and 0 for an entry whose tags a CDN could
 * not be given (UNPURGEABLE), since it could not be purged (s-maxage implies proxy-revalidate,
 * §5.2.2.10: the CDN revalidates it, and its ETag makes that a 304).
 */
export function cacheControl(scope: CacheScope, meta: Meta, sMaxAgeFactor = 0, tagLine = ''): string {
  const lifetime = Math.max(0, Math.round(meta.ageSeconds + meta.ttlSeconds));
  if (scope !== 'PUBLIC') return `private, max-age=${lifetime}`;
  const shared = tagLine === UNPURGEABLE ? 0 : sMaxAgeFactor === 0 ? lifetime : Math.round(lifetime * sMaxAgeFactor);
  return shared === lifetime ? `public, max-age=${lifetime}` : `public, max-age=${lifetime}, s-maxage=${shared}`;
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
