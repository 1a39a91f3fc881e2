import { createHash, randomUUID } from 'node:crypto';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { CacheScope } from './cache-control.ts';
import { deriveOperationPolicy, NOT_CACHEABLE, type OperationPolicy } from './operation-policy.ts';
import type { RequestParams } from './request-params.ts';
import { cacheControl, decodeStored, encodeStored, matchesIfNoneMatch, type Answer, type Meta, type Stored } from './http-caching.ts';
import { createCdnHeaders, type CdnHeaderOptions } from './cdn-tags.ts';
import { keyBase, scopeValue, sharedAcrossRoles, UnkeyableValueError, type VerifiedPrincipal } from './key.ts';
import type { CacheObserver } from './outcome.ts';

export type { Answer, Meta, Stored } from './http-caching.ts';

/** The three calls the response cache makes of a cache (the tier chain satisfies it). */
export interface ResponseCacheStore {
  /** Optional synchronous look-up of the nearest tier, tried before `get`. */
  peekMemory?(key: string): { value: unknown; tier: string; ageMs: number; ttlMs: number; stale: boolean } | undefined;
  get(key: string): Promise<{ value: unknown; tier: string; ageMs: number; ttlMs: number; stale: boolean } | undefined>;
  set(key: string, value: string, options: { ttl: number; grace?: number; tags?: readonly string[]; createdAt?: number }): Promise<void>;
  invalidateTags(tags: readonly string[]): Promise<void>;
}

export interface ResponseCacheOptions<P extends VerifiedPrincipal> {
  /** Where answers are kept. */
  cache: ResponseCacheStore;
  schema: GraphQLSchema;
  /** The verified principal of a request (from useAuth). */
  principalOf: (request: Request) => P;
  /**
   * Seconds an entry lives, from the operation's maxAge: for `principal` when the entry is
   * that caller's role's alone (per caller, per role), or null when callers of several roles
   * share it (PUBLIC), so it gets one lifetime whoever missed first. Default: maxAge.
   */
  ttlSeconds?: (maxAge: number, principal: P | null) => number;
  /** A configured maxAge per type name, over the schema's hints. Default: none. */
  ttlOverride?: (typeName: string) => number | undefined;
  /** Entity tags recorded while executing (see tagEntities). Default: none. */
  tagsOf?: (context: unknown) => Iterable<string> | undefined;
  /**
   * The most seconds an answer may be kept, as its execution found out (an answer made from a
   * stale or recorded copy should not outlive the outage by its type's whole maxAge); undefined
   * for no cap, 0 for not at all.
   */
  maxAgeOf?: (context: unknown) => number | undefined;
  /** Who may skip the read with `Cache-Control: no-cache` or `?nocache=1`. Default: nobody. */
  mayBypass?: (principal: P) => boolean;
  /**
   * Whether `principal`'s answer is its own although the hints let callers share it (a
   * partner's priced quotes): it is then cached as PRIVATE, under that principal alone, and
   * said to be private to HTTP caches. Default: never.
   */
  ownAnswer?: (policy: OperationPolicy, principal: P) => boolean;
  /** Add `extensions.cache` to answers. Default: true. */
  includeExtensions?: boolean;
  /** Part of every key; bump it to drop all entries. Default: '2' (2: stored answers carry their CDN tags). */
  keyVersion?: string;
  /** `s-maxage` and the Surrogate-Key / Cache-Tag headers of PUBLIC answers, for a CDN in front. Default: see CdnHeaderOptions. */
  cdn?: CdnHeaderOptions;
  /** Request headers an answer depends on besides its key (the credentials, by name), for `Vary`. Default: none. */
  vary?: readonly string[];
  /** Documents longer than this many tokens are not parsed here (the gateway refuses them). Default: 1000. */
  maxTokens?: number;
  /** Called when storing, refreshing or invalidating fails; the request itself never fails for it. */
  onError?: (error: unknown, operation: 'set' | 'invalidate') => void;
  /**
   * Told what the cache did with each request, once per request, by whichever path answered it
   * (fast path or plugin); background refreshes are not told. Runs on the hit path: keep it
   * cheap and never throw. Default: none (then no outcome is even made).
   */
  observe?: CacheObserver;
}

export type HeaderSource = { get(name: string): string | null };

/** What the cache makes of a request before anything executes. */
export type Decision =
  | { kind: 'uncacheable' }
  | { kind: 'cacheable'; key: string; policy: OperationPolicy; ttlSeconds: number; bypass: boolean };

export type SelfFetch = (url: string, init: RequestInit) => Promise<Response> | Response;

const REFRESH_HEADER = 'x-contrail-refresh';


/**
 * Everything the response cache decides, independent of how the request arrived: the Yoga
 * plugin and the server's pre-Yoga fast path both use it.
 */
export function createResponseCacheCore<P extends VerifiedPrincipal>(options: ResponseCacheOptions<P>) {
  const {
    cache,
    schema,
    ttlSeconds = (maxAge) => maxAge,
    ttlOverride,
    mayBypass = () => false,
    ownAnswer,
    includeExtensions = true,
    keyVersion = '2',
    maxTokens = 1000,
    vary = [],
    onError = () => undefined,
  } = options;
  const varyHeader = vary.join(', ');
  const cdn = createCdnHeaders(options.cdn);

  // The printed schema with its directives — fields, arguments and cache hints — so entries a
  // different schema made (an older deploy sharing Redis or Postgres) are never served.
  const schemaHash = createHash('sha256').update(printSchemaWithDirectives(schema)).digest('base64url').slice(0, 16);
  // A document's digest, AST and policies, computed once per text; bounded by the texts' size,
  // since a document may be as long as a request body.
  const documents = new LRUCache<string, { id: string; ast: DocumentNode | null; policies: Map<string, OperationPolicy> }>({
    maxSize: 32 * 1024 * 1024,
    sizeCalculation: (_, text) => text.length * 4 + 1024,
  });
  // Stored bodies encoded once (by ETag, a digest of the body), so a hit copies bytes, not characters.
  const encoded = new LRUCache<string, Buffer>({ maxSize: 64 * 1024 * 1024, sizeCalculation: (b) => b.length || 1 });
  // Request bodies seen before (the same text from many callers): parsed params and the
  // caller-independent part of the decision, so a hot request is neither parsed nor keyed again.
  // `false`: a body seen before that is not one cacheable-looking operation.
  const bodies = new LRUCache<string, { params: RequestParams; base: ReturnType<typeof baseOf> } | false>({
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (_, text) => text.length * 4 + 256,
  });
  // A leader's answer and the TTL its execution allowed (maxAgeOf may lower the operation's).
  const inflight = new Map<string, Promise<{ stored: Stored; ttlSeconds: number } | null>>();
  const refreshing = new Set<string>();
  const refreshSecret = randomUUID();
  let fetchSelf: SelfFetch | undefined;

  function policyOf(query: string, operationName: string | null | undefined) {
    let doc = documents.get(query);
    if (!doc) {
      let ast: DocumentNode | null = null;
      try {
        ast = parse(query, { maxTokens });
      } catch {
        // Yoga reports the syntax error (or the size); nothing to cache.
      }
      doc = { id: createHash('sha256').update(query).digest('base64url'), ast, policies: new Map() };
      documents.set(query, doc);
    }
    const name = operationName ?? '';
    let policy = doc.policies.get(name);
    if (!policy) {
      policy = doc.ast ? deriveOperationPolicy(schema, doc.ast, operationName, ttlOverride) : NOT_CACHEABLE;
      doc.policies.set(name, policy);
    }
    return { documentId: doc.id, policy };
  }

  function baseOf(params: RequestParams) {
    const { documentId, policy } = policyOf(params.query!, params.operationName);
    let key: string | null = null;
    try {
      key = keyBase({ version: keyVersion, schemaHash, documentId, operationName: params.operationName, variables: params.variables });
    } catch (err) {
      // Variables no key can hold (nested beyond any input type): answered, never cached.
      if (!(err instanceof UnkeyableValueError)) throw err;
    }
    return { policy, key };
  }

  function decide(params: RequestParams, principal: P, url: URL, headers: HeaderSource, base = baseOf(params)): Decision {
    let { policy } = base;
    if (ownAnswer && policy.scope !== 'NONE' && policy.scope !== 'PRIVATE' && ownAnswer(policy, principal)) policy = { ...policy, scope: 'PRIVATE' };
    const scope = policy.scope === 'NONE' || base.key === null ? null : scopeValue(policy.scope, principal);
    if (scope === null) return { kind: 'uncacheable' };
    const key = `${base.key}|${scope}`;
    const bypass =
        headers.get(REFRESH_HEADER) === refreshSecret ||
      (mayBypass(principal) && (url.searchParams.get('nocache') === '1' || /no-cache/i.test(headers.get('cache-control') ?? '')));
    return { kind: 'cacheable', key, policy, ttlSeconds: ttlSeconds(policy.maxAge, sharedAcrossRoles(scope) ? null : principal), bypass };
  }

  return {
    attach(fetch: SelfFetch) {
      fetchSelf = fetch;
    },

    /** The observer the paths tell of each request's outcome (see ResponseCacheOptions.observe). */
    observe: options.observe,

    /** Whether a request is the cache's own background refresh of a stale answer (not a client's). */
    isRefresh(headers: HeaderSource): boolean {
      return headers.get(REFRESH_HEADER) === refreshSecret;
    },

    decide(params: RequestParams, principal: P, url: URL, headers: HeaderSource): Decision {
      return decide(params, principal, url, headers);
    },

    /**
     * The decision for a raw JSON body, or null when the body is not one cacheable-looking
     * operation (the gateway then answers it in full). Identical bodies are parsed once.
     */
    decideBody(text: string, principal: P, url: URL, headers: HeaderSource): { params: RequestParams; decision: Decision } | null {
      let seen = text.length <= 8192 ? bodies.get(text) : undefined;
      if (seen === undefined) {
        let params: RequestParams;
        try {
          params = JSON.parse(text);
        } catch {
          return null;
        }
        // Persisted queries are resolved (and their hashes checked) by the gateway's plugin.
        const usable = params !== null && typeof params === 'object' && !Array.isArray(params) && typeof params.query === 'string' && !params.extensions;
        seen = usable ? { params, base: baseOf(params) } : false;
        if (text.length <= 8192) bodies.set(text, seen);
      }
      if (seen === false) return null;
      return { params: seen.params, decision: decide(seen.params, principal, url, headers, seen.base) };
    },

    /** A stored answer, if there is one (refreshed in the background when stale); nothing else. */
    async peek(decision: Extract<Decision, { kind: 'cacheable' }>, refreshWith: { url: URL; headers: HeaderSource; params: RequestParams }) {
      if (decision.bypass) return null;
      const found = cache.peekMemory?.(decision.key) ?? (await cache.get(decision.key));
      const stored = found && decodeStored(found.value);
      if (!found || !stored) return null;
      if (found.stale) this.refresh(decision.key, refreshWith);
      const meta: Meta = { hit: true, tier: found.tier, ageSeconds: found.ageMs / 1000, ttlSeconds: found.ttlMs / 1000, scope: decision.policy.scope, stale: found.stale };
      return { stored, meta };
    },

    /**
     * A stored answer (refreshed in the background when stale), or the one a concurrent miss
     * computes. Otherwise the caller becomes the one computing it — registered in the same
     * step as the miss was seen, so concurrent misses cannot all become leaders — and gets
     * `settle` to hand its result to the others.
     */
    async lookup(
      decision: Extract<Decision, { kind: 'cacheable' }>,
      refreshWith: { url: URL; headers: HeaderSource; params: RequestParams },
    ): Promise<{ stored: Stored; meta: Meta } | { settle?: (stored: Stored | null, ttlSeconds?: number) => void }> {
      if (!decision.bypass) {
        const found = await this.peek(decision, refreshWith);
        if (found) return found;
        const leader = inflight.get(decision.key);
        if (leader) {
          const shared = await leader;
          if (shared) return { stored: shared.stored, meta: { hit: false, tier: 'origin', ageSeconds: 0, ttlSeconds: shared.ttlSeconds, scope: decision.policy.scope, stale: false } };
          return {};
        }
      }
      if (inflight.has(decision.key)) return {};
      let settle!: (shared: { stored: Stored; ttlSeconds: number } | null) => void;
      inflight.set(decision.key, new Promise((resolve) => (settle = resolve)));
      return {
        settle: (stored, ttlSeconds = decision.ttlSeconds) => {
          settle(stored && { stored, ttlSeconds });
          inflight.delete(decision.key);
        },
      };
    },

    /**
     * Keeps an answer. `startedAt` is when its execution began: an invalidation after that
     * may have changed what it read, so the entry counts as made then, and such an
     * invalidation makes it unreadable even though it is written later.
     */
    store(decision: Extract<Decision, { kind: 'cacheable' }>, body: string, tags: string[], startedAt: number): Stored {
      // Only PUBLIC answers go to a CDN with their tags.
      const tagLine = decision.policy.scope === 'PUBLIC' ? cdn.tagLine(tags) : '';
      // Weak: the bytes sent differ from the stored ones by `extensions.cache` (hit, age …). Over
      // the tag line too: a hit's Cache-Tag is looked up by ETag.
      const stored: Stored = { etag: `W/"${createHash('sha1').update(body).update(`\n${tagLine}`).digest('base64url')}"`, tagLine, body };
      cache
        .set(decision.key, encodeStored(stored), { ttl: decision.ttlSeconds * 1000, grace: decision.policy.grace * 1000, tags, createdAt: startedAt })
        .catch((err) => onError(err, 'set'));
      return stored;
    },

    invalidate(tags: string[]): Promise<void> {
      return cache.invalidateTags(tags).catch((err) => onError(err, 'invalidate'));
    },

    /** Status, headers and bytes for a stored answer: 304 when the caller already has it. */
    answer(stored: Stored, meta: Meta, ifNoneMatch: string | null, withExtensions = includeExtensions): Answer {
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': cacheControl(meta.scope, meta, cdn.sMaxAgeFactor, stored.tagLine),
        age: String(Math.max(0, Math.floor(meta.ageSeconds))),
        etag: stored.etag,
      };
      if (varyHeader) headers.vary = varyHeader;
      if (meta.scope === 'PUBLIC') cdn.addTo(headers, stored.etag, stored.tagLine);
      if (matchesIfNoneMatch(ifNoneMatch, stored.etag)) return { status: 304, headers, chunks: [] };
      if (!withExtensions || !stored.body.endsWith('}')) {
        const body = Buffer.from(stored.body);
        headers['content-length'] = String(body.length);
        return { status: 200, headers, chunks: [body] };
      }
      let head = encoded.get(stored.etag);
      if (!head) {
        // Without the closing brace, so the cache extension can follow.
        head = Buffer.from(stored.body.slice(0, -1));
        encoded.set(stored.etag, head);
      }
      const extension = `,"extensions":{"cache":{"hit":${meta.hit},"tier":"${meta.tier}","age":${Math.floor(meta.ageSeconds)},"ttl":${Math.floor(meta.ttlSeconds)},"scope":"${meta.scope}","stale":${meta.stale}}}}`;
      // Two chunks rather than one concatenated copy: the stored bytes are never copied per hit.
      const tail = Buffer.from(extension);
      headers['content-length'] = String(head.length + tail.length);
      return { status: 200, headers, chunks: [head, tail] };
    },

    /** Re-runs a request as its original caller, once per key at a time, skipping the read. */
    refresh(key: string, { url, headers: source, params }: { url: URL; headers: HeaderSource; params: RequestParams }) {
      if (!fetchSelf || refreshing.has(key)) return;
      refreshing.add(key);
      const headers = new Headers({ [REFRESH_HEADER]: refreshSecret, 'content-type': 'application/json' });
      for (const name of ['authorization', 'x-api-key']) {
        const value = source.get(name);
        if (value) headers.set(name, value);
      }
      Promise.resolve(fetchSelf(url.origin + url.pathname, { method: 'POST', headers, body: JSON.stringify(params) }))
        .then((response) => response.arrayBuffer())
        .catch((err) => onError(err, 'set'))
        .finally(() => refreshing.delete(key));
    },
  };
}

export type ResponseCacheCore = ReturnType<typeof createResponseCacheCore>;
