import type { InsightsState } from './recorder.ts';

export interface InsightsReport {
  /** When recording began (ISO 8601). */
  since: string;
  /** Cacheable requests observed. */
  requests: number;
  /** Of them, answered from a tier. */
  hits: number;
  hitRate: number;
  /** Hits an ideal cache would have had: every repeat of a key within its TTL served. */
  achievableHits: number;
  achievableHitRate: number;
  scopes: { scope: string; requests: number; hits: number; hitRate: number }[];
  /** The operations with the most misses, most first. */
  operations: {
    operationName: string;
    requests: number;
    hits: number;
    misses: number;
    hitRate: number;
    ttlSeconds: number | null;
    /** Misses that asked for a key again after its TTL ran out. */
    expiredRepeats: number;
    suggestion: string | null;
  }[];
  largestEntries: { key: string; operationName: string | null; scope: string; bytes: number; suggestion: string }[];
  /** Keys shown truncated (TRUNCATED_KEY_CHARS): a key holds the request's variables, whatever their size. */
  topKeys: { key: string; operationName: string | null; hits: number }[];
}

/** Answers larger than this are worth trimming: they crowd the memory tier and compress on every write. */
const LARGE_BYTES = 64 * 1024;

const rate = (hits: number, requests: number) => (requests ? Math.round((hits / requests) * 10_000) / 10_000 : 0);

function operationSuggestion(misses: number, requests: number, expiredRepeats: number, ttlSeconds: number | undefined): string | null {
  if (expiredRepeats > 0) {
    return `${expiredRepeats} of its ${misses} misses asked again after its ${ttlSeconds ?? '?'} s TTL ran out: a longer TTL (CACHE_TTL_OVERRIDES for its types) would have served them`;
  }
  if (misses === requests && requests > 1) return 'no request repeated within its TTL: its variables or viewers make every answer new, so a longer TTL would not help';
  return null;
}

function sizeSuggestion(bytes: number): string {
  const kb = Math.round(bytes / 1024);
  return bytes > LARGE_BYTES
    ? `${kb} KB: select fewer fields or ask for smaller pages (first:) so more answers fit in memory`
    : `${kb} KB: among the largest, but small enough to keep`;
}

/** The report of what `state` holds: the `top` operations by misses, largest entries and keys by hits. */
export function reportOf(state: InsightsState, top: number): InsightsReport {
  const operations = [...state.operations]
    .map(([operationName, t]) => ({
      operationName,
      requests: t.requests,
      hits: t.hits,
      misses: t.misses,
      hitRate: rate(t.hits, t.requests),
      ttlSeconds: t.ttlSeconds ?? null,
      expiredRepeats: t.expiredRepeats,
      suggestion: operationSuggestion(t.misses, t.requests, t.expiredRepeats, t.ttlSeconds),
    }))
    .filter((o) => o.misses > 0)
    .sort((a, b) => b.misses - a.misses || a.operationName.localeCompare(b.operationName))
    .slice(0, top);
  const topKeys: InsightsReport['topKeys'] = [];
  for (const k of state.keys.values()) if (k.hits > 0) topKeys.push({ key: k.shown, operationName: k.operationName, hits: k.hits });
  topKeys.sort((a, b) => b.hits - a.hits || a.key.localeCompare(b.key));
  return {
    since: new Date(state.since).toISOString(),
    requests: state.requests,
    hits: state.hits,
    hitRate: rate(state.hits, state.requests),
    achievableHits: state.achievableHits,
    achievableHitRate: rate(state.achievableHits, state.requests),
    scopes: [...state.scopes]
      .map(([scope, s]) => ({ scope, requests: s.requests, hits: s.hits, hitRate: rate(s.hits, s.requests) }))
      .sort((a, b) => b.requests - a.requests || a.scope.localeCompare(b.scope)),
    operations,
    largestEntries: [...state.largest.values()]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, top)
      .map((e) => ({ ...e, suggestion: sizeSuggestion(e.bytes) })),
    topKeys: topKeys.slice(0, top),
  };
}
