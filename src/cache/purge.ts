// The admin side of the chain: find the stored entries a selection names in every tier, count
// them, and delete them. Never on the request path; the chain (chain.ts) wraps it with the tag
// invalidation and the message to the other instances.
import { withTimeout } from '../resilience/timeout.ts';
import { commonPrefix, compileKeyGlob, prefixGlob, type KeyGlob } from './key-glob.ts';
import type { MemoryTier } from './memory-tier.ts';
import type { EntryHead, SharedTier, TierName } from './tier.ts';

/**
 * Which entries an operator means; every field given adds to the selection (a union).
 * Keys, patterns and tags are written as the chain's callers write them, without the prefix.
 */
export interface CacheSelection {
  /** Exact keys. */
  keys?: readonly string[];
  /** Globs over the key after the prefix (see key-glob.ts). */
  patterns?: readonly string[];
  /** Entries carrying any of these tags (`Airport:3797`, `type:Airport`). */
  tags?: readonly string[];
  /** Every entry under this deployment's prefix (within `spaces`), and nothing under any other. */
  all?: boolean;
  /**
   * Only keys that start with one of these after the prefix (`rc`, `entity:`): what the chain's
   * writers own, where other keys share the prefix (a rate limiter's, a lease, a deployment
   * whose prefix extends this one). Bounds every part of the selection. Default: every key
   * under the prefix.
   */
  spaces?: readonly string[];
}

/** Entries found (dry run) or deleted, per tier of this instance. */
export interface PurgeResult {
  dryRun: boolean;
  /** Distinct keys among every tier's entries. */
  entries: number;
  tiers: Partial<Record<TierName, number>>;
  /** Tiers that could not be searched or purged, and why (their count is then missing). */
  failed: Partial<Record<TierName, string>>;
  /**
   * With patterns: keys each tier holds in hashed form (longer than the chain stores as they
   * are: `<prefix>#<sha256>`), which no pattern can read, so a pattern only matches them
   * through a leading wildcard. Counted where that is cheap (memory; a tier's prefix index).
   */
  hashedKeys?: Partial<Record<TierName, number>>;
}

export interface PurgeTarget {
  memory: MemoryTier;
  shared: readonly SharedTier[];
  keyPrefix: string;
  /** The stored form of a caller's key (prefixed; hashed when long). */
  storedKey(key: string): string;
  /** What the stored form of a long key starts with after the prefix (`#`). */
  hashedMark: string;
  /** How long one tier may take to search or purge. */
  timeoutMs: number;
}

/** Keys deleted per statement or round of commands. */
const DELETE_BATCH = 1000;

interface Matcher {
  explicit: string[];
  /** What the tiers walk, when anything beyond explicit keys is asked for. */
  scan?: KeyGlob;
  heads: boolean;
  accepts(key: string, head: EntryHead | undefined): boolean;
}

function matcherFor(target: PurgeTarget, selection: CacheSelection): Matcher {
  const { keyPrefix } = target;
  const globs = (selection.patterns ?? []).map((pattern) => compileKeyGlob(pattern, keyPrefix));
  const tags = new Set((selection.tags ?? []).map((tag) => keyPrefix + tag));
  const all = selection.all === true;
  const spaces = selection.spaces?.map((space) => keyPrefix + space);
  const inSpaces = spaces ? (key: string) => spaces.some((space) => key.startsWith(space)) : () => true;
  // Tags live in entries, not keys: a tag search walks every key of the prefix, with heads.
  const scan = all || tags.size ? prefixGlob(keyPrefix) : globs.length === 1 ? globs[0] : globs.length ? compileKeyGlob('*', commonPrefix(globs)) : undefined;
  return {
    // A caller's key is checked as given: its stored form may be a hash, which says nothing of it.
    explicit: [...new Set((selection.keys ?? []).filter((key) => inSpaces(keyPrefix + key)).map(target.storedKey))],
    scan,
    heads: tags.size > 0 && !all,
    accepts: (key, head) => inSpaces(key) && (all || globs.some((glob) => glob.test(key)) || (head !== undefined && head.tags.some((tag) => tags.has(tag)))),
  };
}

/** Keys stored hashed in memory and in the tiers that count a prefix cheaply (see PurgeResult.hashedKeys). */
async function hashedKeysOf(target: PurgeTarget): Promise<Partial<Record<TierName, number>>> {
  const hashed = target.keyPrefix + target.hashedMark;
  let inMemory = 0;
  for (const [key] of target.memory.scan()) if (key.startsWith(hashed)) inMemory++;
  const counts: Partial<Record<TierName, number>> = { memory: inMemory };
  await Promise.all(
    target.shared.map(async (tier) => {
      const count = await withTimeout(tier.countPrefix?.(hashed) ?? Promise.resolve(undefined), target.timeoutMs).catch(() => undefined);
      if (count !== undefined) counts[tier.name] = count;
    }),
  );
  return counts;
}

async function foundIn(tier: SharedTier, matcher: Matcher): Promise<Set<string>> {
  if (!tier.scan || !tier.present) throw new Error(`the ${tier.name} tier cannot be searched`);
  const found = new Set(await tier.present(matcher.explicit));
  if (!matcher.scan) return found;
  for await (const batch of tier.scan({ glob: matcher.scan, heads: matcher.heads })) {
    for (const { key, head } of batch) if (matcher.accepts(key, head)) found.add(key);
  }
  return found;
}

function foundInMemory(memory: MemoryTier, matcher: Matcher): Set<string> {
  const found = new Set(memory.present(matcher.explicit));
  if (!matcher.scan) return found;
  for (const [key, entry] of memory.scan()) if (matcher.scan.test(key) && matcher.accepts(key, entry)) found.add(key);
  return found;
}

async function removeAll(tier: SharedTier, keys: string[]): Promise<number> {
  if (!tier.remove) throw new Error(`the ${tier.name} tier cannot delete by key list`);
  let removed = 0;
  for (let i = 0; i < keys.length; i += DELETE_BATCH) removed += await tier.remove!(keys.slice(i, i + DELETE_BATCH));
  return removed;
}

/**
 * Finds what `selection` names in each tier and, unless `dryRun`, deletes exactly that: memory
 * first, then the shared tiers (so memory cannot be back-filled from them with what is going).
 * A dry run counts what a purge at the same moment deletes. A tier that fails or takes longer
 * than `timeoutMs` is reported in `failed`; the others are still purged.
 */
export async function purgeSelection(target: PurgeTarget, selection: CacheSelection, dryRun: boolean): Promise<PurgeResult> {
  const matcher = matcherFor(target, selection);
  const result: PurgeResult = { dryRun, entries: 0, tiers: {}, failed: {} };
  const union = new Set<string>();

  const inMemory = foundInMemory(target.memory, matcher);
  for (const key of inMemory) union.add(key);
  result.tiers.memory = dryRun ? inMemory.size : target.memory.remove([...inMemory]);

  const outcomes = await Promise.all(
    target.shared.map(async (tier): Promise<{ count: number } | { error: string }> => {
      try {
        const found = await withTimeout(foundIn(tier, matcher), target.timeoutMs);
        for (const key of found) union.add(key);
        return { count: dryRun ? found.size : await withTimeout(removeAll(tier, [...found]), target.timeoutMs) };
      } catch (err) {
        return { error: (err as Error).message };
      }
    }),
  );
  // In chain order, whichever tier finished first.
  target.shared.forEach((tier, i) => {
    const outcome = outcomes[i]!;
    if ('count' in outcome) result.tiers[tier.name] = outcome.count;
    else result.failed[tier.name] = outcome.error;
  });
  result.entries = union.size;
  if (selection.patterns?.length) result.hashedKeys = await hashedKeysOf(target);
  return result;
}
