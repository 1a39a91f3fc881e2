import * as resolve from '../resolvers/admin.ts';
import type { CacheStatsReport, InvalidationResult, TierStats } from '../src/admin/service.ts';
import type { WarmRun } from '../src/admin/warmer.ts';
import type { InsightsReport } from '../src/insights/report.ts';
import { builder } from './builder.ts';

// Admin fields are never cached, whatever else an operation selects: scope NONE wins. Their
// types say so too (an admin's answer is one instance's state at one moment, for one caller).
const neverCached = { directives: { cacheControl: { scope: 'NONE' as const } } };
const adminOnly = 'Admins only; every call, refused ones included, is audit-logged.';
const tierName = 'The tier: memory, redis or postgres.';
const perInstance = "counted by the instance that answered, since it started (another instance's differ)";

const TierCount = builder.objectRef<{ tier: string; entries: number }>('CacheTierCount').implement({
  description: 'How many entries one cache tier holds of a selection.',
  ...neverCached,
  fields: (t) => ({
    tier: t.exposeString('tier', { description: tierName }),
    entries: t.exposeInt('entries', { description: 'Entries in this tier: found (dry run) or deleted.' }),
  }),
});

const TierFailure = builder.objectRef<{ tier: string; error: string }>('CacheTierFailure').implement({
  description: 'A cache tier that could not be searched or purged; its entries are not counted.',
  ...neverCached,
  fields: (t) => ({
    tier: t.exposeString('tier', { description: tierName }),
    error: t.exposeString('error', { description: 'Why, as the tier reported it (a timeout, a lost connection).' }),
  }),
});

const tierCounts = (counts: Partial<Record<string, number>>) => Object.entries(counts).map(([tier, entries]) => ({ tier, entries: entries ?? 0 }));

const Invalidation = builder.objectRef<InvalidationResult>('CacheInvalidation').implement({
  description:
    "What an invalidation found (dry run) or deleted, in the tiers of the instance that answered. Only the cache's own keys (answers, entities, persisted queries) are ever touched, never rate-limit budgets or warming leases under the same prefix.",
  ...neverCached,
  fields: (t) => ({
    dryRun: t.exposeBoolean('dryRun', { description: 'True when nothing was deleted: the counts are what a purge at the same moment would delete.' }),
    entries: t.exposeInt('entries', { description: 'Distinct entries across the tiers (an entry in memory and in Redis counts once).' }),
    tiers: t.field({ type: [TierCount], description: 'Entries per tier that could be searched; tiers in `failed` are missing.', resolve: (r) => tierCounts(r.tiers) }),
    failed: t.field({ type: [TierFailure], description: 'Tiers that could not be searched or purged; empty when every tier answered.', resolve: (r) => Object.entries(r.failed).map(([tier, error]) => ({ tier, error: error ?? '' })) }),
    tags: t.exposeStringList('tags', { description: 'Tags invalidated (none in a dry run): entries carrying them are unreadable in every instance. An operationName becomes `op:<name>`, a type `type:<Name>`.' }),
    patterns: t.exposeStringList('patterns', { description: 'Key patterns matched (an operationName adds one, for answers stored before they carried its tag).' }),
    hashedKeys: t.field({
      type: [TierCount],
      nullable: true,
      description:
        'With a pattern: keys each tier holds in hashed form (keys over 512 characters are stored as `#<sha256>`), which a pattern cannot read — it matches them only through a leading wildcard, so such entries may have been missed; purge them by tag or operationName instead. Counted where cheap (memory; Postgres by its index), so Redis is absent. Null without a pattern.',
      resolve: (r) => (r.hashedKeys ? tierCounts(r.hashedKeys) : null),
    }),
  }),
});

const WarmingRun = builder.objectRef<WarmRun>('WarmingRun').implement({
  description: 'One run of the cache warmer, as the warming_runs table records it.',
  ...neverCached,
  fields: (t) => ({
    id: t.id({ description: "The run's id in warming_runs.", resolve: (r) => String(r.id) }),
    trigger: t.string({ nullable: true, description: 'What started it: admin, cli, startup or schedule:<name>; null when not recorded.', resolve: (r) => r.trigger ?? null }),
    status: t.exposeString('status', { description: 'running, success, partial (some replays failed or it was stopped) or failed.' }),
    startedAt: t.field({ type: 'DateTime', description: 'When the run started.', resolve: (r) => new Date(r.startedAt) }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it ended; null while it is running.', resolve: (r) => (r.finishedAt ? new Date(r.finishedAt) : null) }),
    durationMs: t.int({ nullable: true, description: 'How long it took, in milliseconds; null while it is running.', resolve: (r) => r.durationMs ?? null }),
    keysWarmed: t.exposeInt('keysWarmed', { description: 'Replays that succeeded: answers the run put in (or found already in) the cache.' }),
    errors: t.exposeInt('errors', { description: 'Replays that failed (an upstream error, a refusal).' }),
  }),
});

const TierStatsRef = builder.objectRef<TierStats>('CacheTierStats').implement({
  description: `One cache tier's counters, ${perInstance}.`,
  ...neverCached,
  fields: (t) => ({
    tier: t.exposeString('tier', { description: tierName }),
    entries: t.exposeInt('entries', { nullable: true, description: 'Stored entries where counting is cheap (memory, Postgres by its index); null for Redis (it would take a scan of every key).' }),
    bytes: t.exposeFloat('bytes', { nullable: true, description: 'Bytes the memory tier holds; null for the other tiers.' }),
    hits: t.exposeFloat('hits', { description: 'Reads this tier answered.' }),
    misses: t.exposeFloat('misses', { description: 'Reads that reached this tier and found nothing usable.' }),
    hitRate: t.exposeFloat('hitRate', { description: 'hits / (hits + misses), from 0 to 1 (4 decimals); 0 before any read.' }),
    errors: t.exposeInt('errors', { description: 'Operations that failed (the request went on without the tier).' }),
    timeouts: t.exposeInt('timeouts', { description: 'Operations that took longer than the tier may (counted apart from errors).' }),
    breaker: t.exposeString('breaker', { description: 'Its circuit breaker: closed (in use), open (skipped after failures) or half-open (being tried again).' }),
  }),
});

const KeyHits = builder.objectRef<InsightsReport['topKeys'][number]>('CacheKeyHits').implement({
  description: `A response-cache key and its hits, ${perInstance}.`,
  ...neverCached,
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The key without the deployment prefix, as invalidateCache(input: { keys }) takes it.' }),
    operationName: t.exposeString('operationName', { nullable: true, description: 'The operation name the request sent; null when it sent none.' }),
    hits: t.exposeFloat('hits', { description: 'Requests answered from the cache under this key.' }),
  }),
});

const Stats = builder.objectRef<CacheStatsReport>('CacheStats').implement({
  description: 'The cache of the instance that answered, tier by tier, and the last warming run.',
  ...neverCached,
  fields: (t) => ({
    tiers: t.field({ type: [TierStatsRef], description: 'Every tier this gateway uses, nearest first (memory, redis, postgres).', resolve: (r) => r.tiers }),
    topKeys: t.field({ type: [KeyHits], description: 'Response-cache keys by hits on this instance, most first.', resolve: (r) => r.topKeys }),
    lastWarming: t.field({ type: WarmingRun, nullable: true, description: 'The latest warming run of any instance; null when none has run or the gateway has no warmer.', resolve: (r) => r.lastWarming }),
  }),
});

const ScopeInsight = builder.objectRef<InsightsReport['scopes'][number]>('CacheScopeInsight').implement({
  description: `Requests and hits of one cache scope, ${perInstance}.`,
  ...neverCached,
  fields: (t) => ({
    scope: t.exposeString('scope', { description: 'Who may share an answer: PUBLIC, AUTHENTICATED, PARTNER or PRIVATE.' }),
    requests: t.exposeFloat('requests', { description: 'Cacheable requests of this scope.' }),
    hits: t.exposeFloat('hits', { description: 'Of them, answered from the cache.' }),
    hitRate: t.exposeFloat('hitRate', { description: 'hits / requests, from 0 to 1 (4 decimals).' }),
  }),
});

const OperationInsight = builder.objectRef<InsightsReport['operations'][number]>('CacheOperationInsight').implement({
  description: `One operation's requests and misses, ${perInstance}, with what might cut its misses.`,
  ...neverCached,
  fields: (t) => ({
    operationName: t.exposeString('operationName', { description: 'The operation name the requests sent (empty for anonymous operations).' }),
    requests: t.exposeFloat('requests', { description: 'Cacheable requests of this operation.' }),
    hits: t.exposeFloat('hits', { description: 'Of them, answered from the cache.' }),
    misses: t.exposeFloat('misses', { description: 'Of them, computed afresh.' }),
    hitRate: t.exposeFloat('hitRate', { description: 'hits / requests, from 0 to 1 (4 decimals).' }),
    ttlSeconds: t.exposeInt('ttlSeconds', { nullable: true, description: 'Seconds its answers are kept (the last one seen); null when none was stored.' }),
    expiredRepeats: t.exposeFloat('expiredRepeats', { description: 'Misses that repeated a request after its TTL ran out.' }),
    suggestion: t.exposeString('suggestion', { nullable: true, description: 'What might cut its misses, in words; null when nothing obvious would.' }),
  }),
});

const LargeEntry = builder.objectRef<InsightsReport['largestEntries'][number]>('CacheLargeEntry').implement({
  description: `One of the largest answers stored, ${perInstance}.`,
  ...neverCached,
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The key without the deployment prefix, as invalidateCache(input: { keys }) takes it.' }),
    operationName: t.exposeString('operationName', { nullable: true, description: 'The operation name the request sent; null when it sent none.' }),
    scope: t.exposeString('scope', { description: 'Who may share it: PUBLIC, AUTHENTICATED, PARTNER or PRIVATE.' }),
    bytes: t.exposeInt('bytes', { description: 'Size of the stored answer: the length of its JSON text (characters, which is bytes for ASCII).' }),
    suggestion: t.exposeString('suggestion', { description: 'Whether and how to make it smaller, in words.' }),
  }),
});

const Insights = builder.objectRef<InsightsReport>('CacheInsights').implement({
  description: "What this instance's response cache did, and what it could have done with the same traffic.",
  ...neverCached,
  fields: (t) => ({
    since: t.field({ type: 'DateTime', description: 'When this instance began recording (its start).', resolve: (r) => new Date(r.since) }),
    requests: t.exposeFloat('requests', { description: 'Cacheable requests observed.' }),
    hits: t.exposeFloat('hits', { description: 'Of them, answered from a tier.' }),
    hitRate: t.exposeFloat('hitRate', { description: 'hits / requests, from 0 to 1 (4 decimals); 0 before any request.' }),
    achievableHits: t.exposeFloat('achievableHits', { description: 'Hits had every repeat of a key within its TTL been served.' }),
    achievableHitRate: t.exposeFloat('achievableHitRate', { description: 'achievableHits / requests, from 0 to 1: the most hitRate could be with these TTLs.' }),
    scopes: t.field({ type: [ScopeInsight], description: 'Requests per scope, most first.', resolve: (r) => r.scopes }),
    operations: t.field({ type: [OperationInsight], description: 'The operations with the most misses, most first.', resolve: (r) => r.operations }),
    largestEntries: t.field({ type: [LargeEntry], description: 'The largest answers stored, largest first.', resolve: (r) => r.largestEntries }),
    topKeys: t.field({ type: [KeyHits], description: 'Keys by hits, most first.', resolve: (r) => r.topKeys }),
  }),
});

const EntityInput = builder.inputType('CacheEntityInput', {
  description: 'One entity, by type and id: every cached answer that contains it.',
  fields: (t) => ({ type: t.string({ required: true, description: 'A type name: Airport.' }), id: t.string({ required: true, description: 'Its id: 3797.' }) }),
});

const InvalidateInput = builder.inputType('InvalidateCacheInput', {
  description: "What to invalidate; every field given adds to it. Only the cache's own keys are touched (answers, entities, persisted queries).",
  fields: (t) => ({
    tags: t.stringList({ description: 'Entries carrying any of these tags (`Airport:3797`, `type:Airport`, `op:AirportName`).' }),
    types: t.stringList({ description: 'Entries whose answer contains one of these types.' }),
    entities: t.field({ type: [EntityInput], description: 'Entries that contain one of these entities.' }),
    operationName: t.string({ description: 'Every cached answer requested under this operation name (by its `op:<name>` tag, long keys included).' }),
    keys: t.stringList({ description: 'Exact cache keys (as in cacheInsights), without the deployment prefix.' }),
    pattern: t.string({
      description:
        'A glob over the key after the deployment prefix: * any run, ? one character, \\ escapes. Keys over 512 characters are stored hashed and match only a leading wildcard: see hashedKeys in the answer.',
    }),
    all: t.boolean({ description: "Every entry of this deployment's cache (nothing of another's, no rate-limit budget or lease); needs confirm unless dryRun." }),
    dryRun: t.boolean({ description: 'Count, delete nothing. Default: false.' }),
    confirm: t.string({ description: "For all: this deployment's cache key prefix (CACHE_KEY_PREFIX)." }),
  }),
});

const WarmInput = builder.inputType('WarmCacheInput', {
  description: "What a warming run covers; every field left out takes the warmer's setting.",
  fields: (t) => ({
    popularOnly: t.boolean({ description: "Only the query log's most popular operations (no routes, no reference lists). Default: false." }),
    limit: t.int({ description: 'At most this many popular operations (1–100000). Default: WARMING_LIMIT (100).' }),
    days: t.int({ description: 'Popularity window: only operations the query log saw within this many days count as popular (1–365). Default: WARMING_DAYS (7).' }),
    flightDays: t.int({ description: "Days of flights warmed per busy route, from the origin's today (2: today and tomorrow; 1–30, capped by how far ahead the gateway answers). Default: WARMING_FLIGHT_DAYS (2)." }),
  }),
});

builder.mutationFields((t) => ({
  invalidateCache: t.field({
    type: Invalidation,
    description: `Deletes (or with dryRun counts) cached entries in every tier, and in the memory of every live instance. ${adminOnly}`,
    args: { input: t.arg({ type: InvalidateInput, required: true, description: 'What to invalidate (at least one field besides dryRun and confirm).' }) },
    resolve: (_, { input }, ctx) => resolve.invalidateCache(input, ctx),
  }),
  warmCache: t.field({
    type: WarmingRun,
    description: `Warms the cache now and answers with the finished run. ${adminOnly}`,
    args: { input: t.arg({ type: WarmInput, description: "What to warm; left out, everything the warmer's settings say." }) },
    resolve: (_, { input }, ctx) => resolve.warmCache(input, ctx),
  }),
}));

builder.queryFields((t) => ({
  cacheStats: t.field({
    type: Stats,
    description: `Per tier: entries, bytes, hits, misses, errors and breaker; top keys; the last warming run. ${adminOnly}`,
    ...neverCached,
    resolve: (_, __, ctx) => resolve.cacheStats(ctx),
  }),
  cacheInsights: t.field({
    type: Insights,
    description: `Where the response cache could do better: misses by operation, largest entries, hit rate per scope, and the achievable hit rate beside the actual one. ${adminOnly}`,
    ...neverCached,
    args: { top: t.arg.int({ description: 'Rows per list (1–100). Default: 10.' }) },
    resolve: (_, { top }, ctx) => resolve.cacheInsights(top, ctx),
  }),
}));
