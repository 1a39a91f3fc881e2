import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

// Entity tags as a CDN in front reads them: Fastly's Surrogate-Key (space-separated) and
// Cloudflare's Cache-Tag (comma-separated), so the CDN can purge by the tags the cache
// invalidates. The same encoding serves the purge webhook (src/cdn/purge.ts).

export interface CdnHeaderOptions {
  /**
   * `s-maxage` of a PUBLIC answer as a multiple of its lifetime (its max-age): above 1 a CDN
   * keeps answers longer than browsers, relying on purges. 0: no s-maxage. Left out where it
   * equals max-age, which a shared cache reads in its absence. Default: 1.
   */
  sMaxAgeFactor?: number;
  /**
   * The most bytes the Surrogate-Key and the Cache-Tag value may each hold; an answer with
   * more tags gets neither and `s-maxage=0` (a CDN could not purge it, so it revalidates).
   * Fastly reads at most 16 384 bytes of Surrogate-Key, Cloudflare 16 KB of Cache-Tag; both
   * together must also fit a client's header limit (Node's is 16 KB) when no CDN strips them.
   * 0: no tag headers. Default: 4096.
   */
  maxTagHeaderBytes?: number;
}

/** The tag line of an entry whose tags do not fit the headers (never a tag: `!` alone is not one). */
export const UNPURGEABLE = '!';

// Visible ASCII a header value and both CDNs take inside one tag: no space (Fastly's separator,
// and Cloudflare strips spaces), no comma (Cloudflare's separator), no `%` (the escape).
const SAFE = /^[A-Za-z0-9!#$&'*+\-.^_`|~:/=@]*$/;
const UNSAFE_CHAR = /[^A-Za-z0-9!#$&'*+\-.^_`|~:/=@]/gu;
// Fastly ignores a key over 1024 bytes, and every key after it.
const MAX_TAG_BYTES = 1024;

/**
 * A tag in the form a CDN holds it: unchanged when it is made of safe characters (`Airport:3797`,
 * `Flight:BA117:2026-11-21`), else each unsafe character as `%XX` of its UTF-8 bytes; longer
 * than 1024 bytes, `sha256:` and its digest in hex. Deterministic, so a purge names the same form.
 */
export function headerSafeTag(tag: string): string {
  const safe = SAFE.test(tag)
    ? tag
    : tag.replace(UNSAFE_CHAR, (char) => [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
  return safe.length > MAX_TAG_BYTES ? `sha256:${createHash('sha256').update(tag).digest('hex')}` : safe;
}

/** The CDN's part of the response cache: what an entry keeps, and the headers a hit sends from it. */
export function createCdnHeaders({ sMaxAgeFactor = 1, maxTagHeaderBytes = 4096 }: CdnHeaderOptions = {}) {
  if (!(sMaxAgeFactor >= 0)) throw new RangeError(`sMaxAgeFactor must be 0 or more; received ${sMaxAgeFactor}`);
  // Each entry's Cache-Tag, made once: by ETag, which covers the tag line (see `tagLine`).
  const cacheTags = new LRUCache<string, string>({ maxSize: 16 * 1024 * 1024, sizeCalculation: (value, etag) => value.length + etag.length + 64 });

  return {
    sMaxAgeFactor,

    /**
     * What an entry keeps for the CDN: its header-safe tags, sorted (one answer, one line,
     * whatever order execution met them in) and space-separated — the Surrogate-Key value;
     * UNPURGEABLE when they do not fit; '' without tag headers.
     */
    tagLine(tags: Iterable<string>): string {
      if (maxTagHeaderBytes === 0) return '';
      const line = [...new Set([...tags].map(headerSafeTag))].sort().join(' ');
      return line.length > maxTagHeaderBytes ? UNPURGEABLE : line;
    },

    /** Adds Surrogate-Key and Cache-Tag for a PUBLIC entry's tag line; the strings are the entry's own, not made per hit. */
    addTo(headers: Record<string, string>, etag: string, tagLine: string): void {
      if (!tagLine || tagLine === UNPURGEABLE) return;
      let cacheTag = cacheTags.get(etag);
      if (cacheTag === undefined) {
        cacheTag = tagLine.replaceAll(' ', ',');
        cacheTags.set(etag, cacheTag);
      }
      headers['surrogate-key'] = tagLine;
      headers['cache-tag'] = cacheTag;
    },
  };
}

export type CdnHeaders = ReturnType<typeof createCdnHeaders>;
