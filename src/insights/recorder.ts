import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { CacheOutcome } from '../../plugins/response-cache/outcome.ts';
import { largestTracker } from './largest.ts';
import { reportOf, type InsightsReport } from './report.ts';

export interface InsightsOptions {
  /** Keys remembered for repeats (least recently seen forgotten first). Default: 50 000. */
  maxKeys?: number;
  /** Bytes (estimated) those keys may take, whatever their count. Default: 16 MiB. */
  maxBytes?: number;
  /** Operation names tallied; later ones count under `(other)`. Default: 500. */
  maxOperations?: number;
  /** Largest entries kept. Default: 10. */
  largest?: number;
  /** The clock (epoch ms). Default: Date.now. */
  now?: () => number;
}

/** What the recorder keeps of one key: the ideal cache's entry, and the key's own tally. */
interface KeyState {
  /** The key as reports show it: truncated to TRUNCATED_KEY_CHARS (and an ellipsis). */
  shown: string;
  /** When an ideal cache (every repeat within its TTL served) would have stored it. */
  storedAt: number;
  ttlMs: number;
  hits: number;
  operationName: string | null;
}

export interface OperationTally {
  requests: number;
  hits: number;
  misses: number;
  /** Misses on a key asked for before, but longer ago than its TTL: what a longer TTL would serve. */
  expiredRepeats: number;
  ttlSeconds: number | undefined;
}

export interface ScopeTally {
  requests: number;
  hits: number;
}

/** What the recorder has counted so far, for the report (report.ts). */
export interface InsightsState {
  since: number;
  requests: number;
  hits: number;
  achievableHits: number;
  operations: Map<string, OperationTally>;
  scopes: Map<string, ScopeTally>;
  keys: LRUCache<string, KeyState>;
  largest: ReturnType<typeof largestTracker>['entries'];
}

export interface InsightsRecorder {
  /** A CacheObserver: O(1) per outcome, memory bounded by the options (in keys and in bytes). */
  observe(outcome: CacheOutcome): void;
  report(options?: { top?: number }): InsightsReport;
  reset(): void;
}

const OTHER = '(other)';
const ANONYMOUS_OPERATION = '(anonymous)';

/** Characters of a key reports show; a longer key is cut there and ends with `…`. */
export const TRUNCATED_KEY_CHARS = 200;
/** Characters of an operation name tallied as itself; longer ones are cut (names come from clients). */
const MAX_OPERATION_CHARS = 100;
/** What one remembered key costs besides its strings: the LRU's node, the state object, the map slot. */
const KEY_OVERHEAD_BYTES = 200;

/**
 * The first `chars` of `text` in a string of their own: V8's slice of a long string is a view
 * that keeps all of it alive, which is what a bounded copy must not do.
 */
const truncated = (text: string, chars: number) => (text.length > chars ? Buffer.from(`${text.slice(0, chars)}…`, 'utf16le').toString('utf16le') : text);

/**
 * What a key is remembered under: itself when short (most keys: no hashing on the hit path),
 * else its SHA-256 — a key holds the request's variables, which a client can make as large as
 * the body limit allows. A digest (43 characters, no `|`) never equals a key (which has `|`).
 */
const idOf = (key: string) => (key.length <= TRUNCATED_KEY_CHARS ? key : hash('sha256', key, 'base64url'));

/**
 * Learns from the response cache's outcomes how well it does and how well it could: beside
 * the actual hit rate, the hit rate of an ideal cache that served every repeat of a key within
 * that key's TTL (no eviction, no invalidation, no restarts, one instance). The gap is what
 * memory size, invalidations and instance count cost; misses that repeat a key past its TTL
 * are what longer TTLs would win.
 *
 * Counted: cacheable requests (hit, stale, miss, shared). Actual hits: hit and stale (answered
 * from a tier); a shared miss waited for another's execution, so it is not one.
 */
export function createInsightsRecorder({ maxKeys = 50_000, maxBytes = 16 * 1024 * 1024, maxOperations = 500, largest = 10, now = Date.now }: InsightsOptions = {}): InsightsRecorder {
  let state: InsightsState;
  let tracker: ReturnType<typeof largestTracker>;
  const fresh = () => {
    tracker = largestTracker(largest);
    state = {
      since: now(),
      requests: 0,
      hits: 0,
      achievableHits: 0,
      operations: new Map(),
      scopes: new Map(),
      // UTF-16: two bytes a character, the id and (when it differs) the shown key.
      keys: new LRUCache({ max: maxKeys, maxSize: maxBytes, sizeCalculation: (k, id) => KEY_OVERHEAD_BYTES + 2 * (id.length + (k.shown === id ? 0 : k.shown.length)) }),
      largest: tracker.entries,
    };
  };
  fresh();

  const operationOf = (name: string | null): OperationTally => {
    const label = name ?? ANONYMOUS_OPERATION;
    let tally = state.operations.get(label);
    if (!tally) {
      if (state.operations.size >= maxOperations) return operationOf(OTHER === label ? null : OTHER);
      tally = { requests: 0, hits: 0, misses: 0, expiredRepeats: 0, ttlSeconds: undefined };
      state.operations.set(label, tally);
    }
    return tally;
  };

  return {
    observe(outcome) {
      if (outcome.outcome === 'bypass' || outcome.outcome === 'uncacheable' || outcome.key === undefined) return;
      // A miss without bytes was not stored (an error, a zero max-age): no cache, ideal or not, would serve it again.
      if (outcome.outcome === 'miss' && outcome.bytes === undefined) return;
      const at = now();
      const hit = outcome.outcome === 'hit' || outcome.outcome === 'stale';
      state.requests++;
      if (hit) state.hits++;

      const scope = state.scopes.get(outcome.scope) ?? { requests: 0, hits: 0 };
      if (!state.scopes.has(outcome.scope)) state.scopes.set(outcome.scope, scope);
      scope.requests++;
      if (hit) scope.hits++;

      const operationName = outcome.operationName === null ? null : truncated(outcome.operationName, MAX_OPERATION_CHARS);
      const operation = operationOf(operationName);
      operation.requests++;
      if (outcome.ttlSeconds !== undefined) operation.ttlSeconds = outcome.ttlSeconds;
      if (hit) operation.hits++;
      else operation.misses++;

      const ttlMs = (outcome.ttlSeconds ?? 0) * 1000;
      const id = idOf(outcome.key);
      const known = state.keys.get(id);
      const withinTtl = known !== undefined && at - known.storedAt < known.ttlMs;
      // The ideal cache serves at least what the real one did (an entry made before the
      // recorder started, or by another instance, is a hit it would have had as well).
      if (hit || withinTtl) state.achievableHits++;
      let key = known;
      if (!withinTtl) {
        if (known && !hit) operation.expiredRepeats++;
        // The ideal cache stores it now, for this request's TTL.
        if (known) Object.assign(known, { storedAt: at, ttlMs });
        else {
          key = { shown: id === outcome.key ? id : truncated(outcome.key, TRUNCATED_KEY_CHARS), storedAt: at, ttlMs, hits: 0, operationName };
          state.keys.set(id, key);
        }
      }
      if (hit) key!.hits++;
      if (outcome.bytes !== undefined) tracker.offer(id, key!.shown, outcome.bytes, operationName, outcome.scope);
    },
    report: ({ top = 10 } = {}) => reportOf(state, top),
    reset: fresh,
  };
}
