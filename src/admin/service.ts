import type { Viewer } from '../auth/viewer.ts';
import type { CacheChain, PurgeResult } from '../cache/chain.ts';
import type { TierName } from '../cache/tier.ts';
import type { InsightsRecorder } from '../insights/recorder.ts';
import type { InsightsReport } from '../insights/report.ts';
import type { Logger } from '../logger.ts';
import { boundedForAudit, DEFAULT_AUDIT_VALUE_MAX_BYTES, type AuditLog } from './audit.ts';
import { AdminError } from './errors.ts';
import { CACHE_KEY_SPACES } from './key-spaces.ts';
import { flushSchema, insightsSchema, invalidateSchema, parseInput, parseWarmOptions, selectionOf, type InvalidateInput } from './input.ts';
import type { Warmer, WarmRun } from './warmer.ts';

export interface AdminOptions {
  /** The chain the admin API purges and reports on; without it cache calls answer UNAVAILABLE. */
  cache?: CacheChain;
  audit: AuditLog;
  /** This deployment's CACHE_KEY_PREFIX: what `all` must be confirmed with. */
  keyPrefix: string;
  /** Whether a GraphQL type exists (invalidating an unknown type is refused). Default: any. */
  typeExists?: (name: string) => boolean;
  /** The cache warmer (src/warming/); without it warm calls answer UNAVAILABLE. */
  warmer?: Warmer;
  /** The response cache's outcomes, recorded (src/insights/); without it insights are UNAVAILABLE. */
  insights?: InsightsRecorder;
  /** What `/health` answers for a request with these headers (an admin's: the detailed variant), for the admin's health route. */
  health?: (headers: Headers) => Promise<{ status: number; body: unknown }>;
  /**
   * The most bytes (as JSON) an audit record keeps of an admin's input or of a call's detail;
   * larger ones are kept as a marker with their size. Default: 4096.
   */
  auditValueMaxBytes?: number;
  /** Told of each purge done (not a dry run), once per kind it selected by: `tags`, `types`, `entities`, `operation`, `keys`, `pattern`, `all` (the metrics). Default: none. */
  onInvalidation?: (kind: string) => void;
  logger: Logger;
}

export interface InvalidationResult extends PurgeResult {
  /** Tags invalidated (none in a dry run). */
  tags: string[];
  patterns: string[];
}

export interface TierStats {
  tier: TierName;
  /** Stored entries, where counting is cheap (memory; Postgres by index); null elsewhere. */
  entries: number | null;
  /** Memory only. */
  bytes: number | null;
  hits: number;
  misses: number;
  hitRate: number;
  errors: number;
  timeouts: number;
  breaker: string;
}

export interface CacheStatsReport {
  tiers: TierStats[];
  topKeys: InsightsReport['topKeys'];
  lastWarming: WarmRun | null;
  bus: { healthy: boolean; peers: number; ackTimeouts: number } | null;
}

const rate = (hits: number, misses: number) => (hits + misses ? Math.round((hits / (hits + misses)) * 10_000) / 10_000 : 0);

/** `admin:alice`: who did it, as the audit log names them. */
export const actorOf = (viewer: Viewer) => (viewer.id ? `${viewer.kind}:${viewer.id}` : viewer.kind);

/**
 * The admin operations, the same for GraphQL and REST: each checks that the viewer is an
 * admin, checks its input, runs, and leaves one audit record whatever the outcome (refusals
 * of non-admins included, without what they sent; an admin's input bounded to
 * auditValueMaxBytes). `action` names the call as it arrived.
 */
export function createAdmin(options: AdminOptions) {
  const { audit, logger } = options;

  const maxBytes = options.auditValueMaxBytes ?? DEFAULT_AUDIT_VALUE_MAX_BYTES;

  /** Why `viewer` may not call the admin API at all, or undefined for an admin. */
  const denialOf = (viewer: Viewer) => {
    if (viewer.kind === 'anonymous') return new AdminError('UNAUTHENTICATED', 'Sign in as an admin: this is the admin API.');
    if (viewer.kind !== 'admin') return new AdminError('FORBIDDEN', `Admins only: you are signed in as a ${viewer.kind}.`);
    return undefined;
  };
  const refusal = (err: AdminError) => ({ code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) });

  async function audited<T>(viewer: Viewer, action: string, input: unknown, run: () => Promise<T>, detailOf: (result: T) => unknown = () => null): Promise<T> {
    const actor = actorOf(viewer);
    const denied = denialOf(viewer);
    if (denied) {
      // Who, what and the refusal, never what they sent: anyone may call, and a row must not
      // cost them nothing while holding up to a whole request body.
      await audit.record({ actor, action, input: null, result: 'refused', detail: refusal(denied) });
      throw denied;
    }
    const kept = boundedForAudit(input, maxBytes);
    try {
      const result = await run();
      await audit.record({ actor, action, input: kept, result: 'ok', detail: boundedForAudit(detailOf(result), maxBytes) });
      return result;
    } catch (err) {
      const refused = err instanceof AdminError;
      await audit.record({
        actor,
        action,
        input: kept,
        result: refused ? 'refused' : 'failed',
        // A refusal's message may quote the input (an unknown field's name): bounded as well.
        detail: boundedForAudit(refused ? refusal(err) : { message: (err as Error).message }, maxBytes),
      });
      if (!refused) logger.error({ err: (err as Error).message, action, actor }, 'admin call failed');
      throw err;
    }
  }

  const cache = () => {
    if (!options.cache) throw new AdminError('UNAVAILABLE', 'This gateway has no cache.');
    return options.cache;
  };
  const warmer = () => {
    if (!options.warmer) throw new AdminError('UNAVAILABLE', 'Cache warming is not available in this gateway.');
    return options.warmer;
  };
  const insights = () => {
    if (!options.insights) throw new AdminError('UNAVAILABLE', 'Cache insights are not recorded by this gateway.');
    return options.insights;
  };

  const purge = async (parsed: InvalidateInput): Promise<InvalidationResult> => {
    const selection = selectionOf(parsed, options);
    // The cache's own keys only: never a rate-limit budget, a lease or another deployment's.
    const result = await cache().purge({ ...selection, spaces: CACHE_KEY_SPACES }, { dryRun: parsed.dryRun ?? false });
    if (!result.dryRun && options.onInvalidation) {
      const kinds = { tags: 'tags', types: 'types', entities: 'entities', operationName: 'operation', keys: 'keys', pattern: 'pattern', all: 'all' } as const;
      for (const [field, kind] of Object.entries(kinds)) if (parsed[field as keyof typeof kinds]) options.onInvalidation(kind);
    }
    return { ...result, tags: result.dryRun ? [] : [...(selection.tags ?? [])], patterns: [...(selection.patterns ?? [])] };
  };
  const purgeDetail = ({ dryRun, entries, tiers, failed, hashedKeys }: InvalidationResult) => ({ dryRun, entries, tiers, failed, ...(hashedKeys ? { hashedKeys } : {}) });

  return {
    invalidate: (viewer: Viewer, action: string, input: unknown) =>
      audited(viewer, action, input, () => purge(parseInput(invalidateSchema, input)), purgeDetail),

    /** Every entry of this deployment's cache (confirmed with its prefix; see key-spaces.ts), and nothing of another's. */
    flush: (viewer: Viewer, action: string, input: unknown) =>
      audited(viewer, action, input, () => purge({ ...parseInput(flushSchema, input), all: true }), purgeDetail),

    warm: (viewer: Viewer, action: string, input: unknown) =>
      audited(viewer, action, input, () => warmer().warm({ ...parseWarmOptions(input), trigger: 'admin' }), (run) => ({ runId: run.id, status: run.status })),

    lastWarm: (viewer: Viewer, action: string) => audited(viewer, action, null, () => warmer().lastRun()),

    stats: (viewer: Viewer, action: string) =>
      audited(viewer, action, null, async (): Promise<CacheStatsReport> => {
        const chain = cache();
        const stats = chain.stats();
        const entries = await chain.countEntries();
        const tiers = (Object.keys(stats.tiers) as TierName[]).map((tier): TierStats => {
          const t = stats.tiers[tier]!;
          return {
            tier,
            entries: entries[tier] ?? null,
            bytes: tier === 'memory' ? stats.memory.bytes : null,
            hits: t.hits,
            misses: t.misses,
            hitRate: rate(t.hits, t.misses),
            errors: t.errors ?? 0,
            timeouts: t.timeouts ?? 0,
            breaker: t.breaker ?? 'closed',
          };
        });
        const lastWarming = options.warmer ? await options.warmer.lastRun() : null;
        return { tiers, topKeys: options.insights?.report().topKeys ?? [], lastWarming, bus: stats.bus };
      }),

    insights: (viewer: Viewer, action: string, input: unknown) =>
      audited(viewer, action, input, async () => insights().report(parseInput(insightsSchema, input))),

    /**
     * Trusts a document: `register` checks it against the schema and stores it, answering its
     * hash (a BAD_REQUEST AdminError naming the argument when it is not acceptable), with the
     * actor as who registered it. Audited with the hash.
     */
    registerTrustedDocument: (viewer: Viewer, action: string, input: { document: string; name?: string | null }, register: (registeredBy: string) => Promise<string>) =>
      audited(viewer, action, input, () => register(actorOf(viewer)), (hash) => ({ hash })),

    health: (viewer: Viewer, action: string, headers: Headers) =>
      audited(
        viewer,
        action,
        null,
        async () => {
          if (!options.health) throw new AdminError('UNAVAILABLE', 'Health is not reported by this gateway.');
          return options.health(headers);
        },
        ({ status }) => ({ status }),
      ),
  };
}

export type Admin = ReturnType<typeof createAdmin>;
