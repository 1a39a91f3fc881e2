import { createHash, randomUUID } from 'node:crypto';
import { Kind, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { CacheScope } from './cache-control.ts';
import { deriveOperationPolicy, NOT_CACHEABLE, type OperationPolicy } from './operation-policy.ts';
import { readParams, type RequestParams } from './request-params.ts';
import { buildResponseCacheKey, scopeValue, type VerifiedPrincipal } from './response-cache-key.ts';

/** The three calls the plugin makes of a cache (the tier chain satisfies it). */
export interface ResponseCacheStore {
  get(key: string): Promise<{ value: unknown; tier: string; ageMs: number; ttlMs: number; stale: boolean } | undefined>;
  set(key: string, value: string, options: { ttl: number; grace?: number; tags?: readonly string[] }): Promise<void>;
  invalidateTags(tags: readonly string[]): Promise<void>;
}

export interface ResponseCacheOptions<P extends VerifiedPrincipal> {
  /** Where answers are kept. */
  cache: ResponseCacheStore;
  schema: GraphQLSchema;
  /** The verified principal of a request (from useAuth). */
  principalOf: (request: Request) => P;
  /** Seconds an answer lives for this principal, from the operation's maxAge. Default: maxAge. */
  ttlSeconds?: (maxAge: number, principal: P) => number;
  /** A configured maxAge per type name, over the schema's hints. Default: none. */
  ttlOverride?: (typeName: string) => number | undefined;
  /** Entity tags recorded while executing (see tagEntities). Default: none. */
  tagsOf?: (context: unknown) => Iterable<string> | undefined;
  /** Who may skip the read with `Cache-Control: no-cache` or `?nocache=1`. Default: nobody. */
  mayBypass?: (principal: P) => boolean;
  /** Add `extensions.cache` to answers. Default: true. */
  includeExtensions?: boolean;
  /** Part of every key; bump it to drop all entries. Default: '1'. */
  keyVersion?: string;
  /** Called when storing or invalidating fails; the request itself never fails for it. */
  onError?: (error: unknown, operation: 'set' | 'invalidate') => void;
}

interface Stored {
  etag: string;
  body: string;
}

interface Pending {
  key: string;
  policy: OperationPolicy;
  principal: VerifiedPrincipal;
  ttlSeconds: number;
  settle?: (stored: Stored | null) => void;
  errors?: boolean;
  extensions?: boolean;
  tags?: string[];
}

const VARY = 'Authorization, X-Api-Key';

function encodeStored(stored: Stored): string {
  return `${stored.etag}\n${stored.body}`;
}

function decodeStored(value: unknown): Stored | null {
  if (typeof value !== 'string') return null;
  const newline = value.indexOf('\n');
  return newline > 0 ? { etag: value.slice(0, newline), body: value.slice(newline + 1) } : null;
}

function cacheControl(scope: CacheScope, maxAgeSeconds: number): string {
  return `${scope === 'PUBLIC' ? 'public' : 'private'}, max-age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

/**
 * The response cache. A hit is answered in onRequest, before Yoga parses, validates or
 * executes anything, with the bytes stored at the miss: no re-serialisation, no hashing of
 * the document (its digest is memoised). Concurrent identical misses execute once. Answers
 * with errors are not stored. Mutations invalidate the entities their result contains.
 */
export type SelfFetch = (url: string, init: RequestInit) => Promise<Response> | Response;

export interface ResponseCachePlugin extends Plugin {
  /** Gives the plugin the gateway's own fetch, for background refreshes of stale answers. */
  attach(fetch: SelfFetch): void;
}

export function useResponseCache<P extends VerifiedPrincipal>(options: ResponseCacheOptions<P>): ResponseCachePlugin {
  const {
    cache,
    schema,
    principalOf,
    ttlSeconds = (maxAge) => maxAge,
    ttlOverride,
    tagsOf = () => undefined,
    mayBypass = () => false,
    includeExtensions = true,
    keyVersion = '1',
    onError = () => undefined,
  } = options;

  const schemaHash = createHash('sha256').update(JSON.stringify(Object.keys(schema.getTypeMap()).sort())).digest('base64url').slice(0, 12);
  // A document's digest, its AST (for the policy) and its policies, computed once per text.
  const documents = new LRUCache<string, { id: string; ast: DocumentNode | null; policies: Map<string, OperationPolicy>; mutations: Set<string> }>({ max: 2000 });
  const inflight = new Map<string, Promise<Stored | null>>();
  const pending = new WeakMap<Request, Pending>();
  const parsedParams = new WeakMap<Request, unknown>();
  const noStore = new WeakSet<Request>();
  // Background refreshes re-enter through fetch with this header: it skips the read.
  const refreshSecret = randomUUID();
  let fetchSelf: SelfFetch | undefined;
  const mutations = new WeakSet<Request>();

  function policyOf(query: string, operationName: string | null | undefined) {
    let doc = documents.get(query);
    if (!doc) {
      let ast: DocumentNode | null = null;
      try {
        ast = parse(query);
      } catch {
        // Yoga reports the syntax error; nothing to cache.
      }
      const mutationNames = new Set(
        (ast?.definitions ?? []).flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.operation === 'mutation' ? [d.name?.value ?? ''] : [])),
      );
      doc = { id: createHash('sha256').update(query).digest('base64url'), ast, policies: new Map(), mutations: mutationNames };
      documents.set(query, doc);
    }
    const name = operationName ?? '';
    let policy = doc.policies.get(name);
    if (!policy) {
      policy = doc.ast ? deriveOperationPolicy(schema, doc.ast, operationName, ttlOverride) : NOT_CACHEABLE;
      doc.policies.set(name, policy);
    }
    const isMutation = doc.mutations.has(name) || (name === '' && doc.mutations.size === 1 && doc.ast?.definitions.length === 1);
    return { documentId: doc.id, policy, isMutation };
  }

  function answer(fetchAPI: { Response: typeof Response }, request: Request, stored: Stored, meta: {
    hit: boolean; tier: string; ageSeconds: number; ttlSeconds: number; scope: CacheScope; stale: boolean;
  }, withExtensions: boolean): Response {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': cacheControl(meta.scope, meta.ttlSeconds),
      age: String(Math.max(0, Math.floor(meta.ageSeconds))),
      etag: stored.etag,
      vary: VARY,
    };
    if (request.headers.get('if-none-match') === stored.etag) return new fetchAPI.Response(null, { status: 304, headers });
    let body = stored.body;
    if (withExtensions && body.endsWith('}')) {
      const cache = { hit: meta.hit, tier: meta.tier, age: Math.floor(meta.ageSeconds), ttl: Math.floor(meta.ttlSeconds), scope: meta.scope, stale: meta.stale };
      body = `${body.slice(0, -1)},"extensions":{"cache":${JSON.stringify(cache)}}}`;
    }
    return new fetchAPI.Response(body, { status: 200, headers });
  }

  const refreshing = new Set<string>();

  /** Re-runs the request as its original caller, once per key at a time, skipping the read. */
  function refresh(key: string, request: Request, params: RequestParams) {
    if (!fetchSelf || refreshing.has(key)) return;
    refreshing.add(key);
    const headers = new Headers();
    for (const name of ['authorization', 'x-api-key', 'accept']) {
      const value = request.headers.get(name);
      if (value) headers.set(name, value);
    }
    headers.set('x-contrail-refresh', refreshSecret);
    headers.set('content-type', 'application/json');
    const url = new URL(request.url);
    Promise.resolve(fetchSelf(url.origin + url.pathname, { method: 'POST', headers, body: JSON.stringify(params) }))
      .then((response) => response.arrayBuffer())
      .catch((err) => onError(err, 'set'))
      .finally(() => refreshing.delete(key));
  }

  return {
    attach(fetch) {
      fetchSelf = fetch;
    },

    async onRequest({ request, url, fetchAPI, endResponse }) {
      if (url.pathname !== '/graphql' || (request.method !== 'GET' && request.method !== 'POST')) return;
      if (request.method === 'GET' && !url.searchParams.has('query')) return; // GraphiQL, or APQ by hash
      const read = await readParams(request, url);
      if (read.kind === 'invalid') {
        endResponse(new fetchAPI.Response(JSON.stringify({ errors: [{ message: read.message, extensions: { code: 'BAD_REQUEST' } }] }), {
          status: 400,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        }));
        return;
      }
      if (read.kind === 'other') {
        if (read.body !== undefined) parsedParams.set(request, read.body);
        return;
      }
      const params = read.params;
      parsedParams.set(request, params);
      if (typeof params.query !== 'string') return;

      const { documentId, policy, isMutation } = policyOf(params.query, params.operationName);
      const principal = principalOf(request);
      const scope = policy.scope === 'NONE' ? null : scopeValue(policy.scope, principal);
      if (scope === null) {
        noStore.add(request);
        if (isMutation) mutations.add(request);
        return;
      }
      const key = buildResponseCacheKey({ version: keyVersion, schemaHash, documentId, operationName: params.operationName, variables: params.variables, scope });
      const isRefresh = request.headers.get('x-contrail-refresh') === refreshSecret;
      const bypass = isRefresh || (mayBypass(principal) && (url.searchParams.get('nocache') === '1' || /no-cache/i.test(request.headers.get('cache-control') ?? '')));

      if (!bypass) {
        const found = await cache.get(key);
        const stored = found && decodeStored(found.value);
        if (found && stored) {
          if (found.stale) refresh(key, request, params);
          endResponse(answer(fetchAPI, request, stored, {
            hit: true, tier: found.tier, ageSeconds: found.ageMs / 1000, ttlSeconds: found.ttlMs / 1000, scope: policy.scope, stale: found.stale,
          }, includeExtensions));
          return;
        }
        // Someone is computing this very answer: wait for it rather than execute again.
        const leader = inflight.get(key);
        if (leader) {
          const shared = await leader;
          if (shared) {
            endResponse(answer(fetchAPI, request, shared, {
              hit: false, tier: 'origin', ageSeconds: 0, ttlSeconds: ttlSeconds(policy.maxAge, principal), scope: policy.scope, stale: false,
            }, includeExtensions));
            return;
          }
        }
      }

      const miss: Pending = { key, policy, principal, ttlSeconds: ttlSeconds(policy.maxAge, principal) };
      if (!inflight.has(key)) {
        inflight.set(key, new Promise<Stored | null>((resolve) => (miss.settle = resolve)));
      }
      pending.set(request, miss);
    },

    onRequestParse({ request, setRequestParser }) {
      if (parsedParams.has(request)) setRequestParser(() => parsedParams.get(request) as never);
    },

    async onExecutionResult({ request, result, context }) {
      if (!result || Symbol.asyncIterator in result) return;
      const miss = pending.get(request);
      if (miss) {
        miss.errors = Boolean(result.errors?.length);
        miss.extensions = Boolean(result.extensions && Object.keys(result.extensions).length);
        miss.tags = [...(tagsOf(context) ?? []), ...miss.policy.types.map((t) => `type:${t}`)];
        return;
      }
      // A mutation changed what it returned: nothing cached before it may be served after it
      // returns, so the invalidation completes before the answer leaves.
      if (!mutations.has(request)) return;
      const tags = [...(tagsOf(context) ?? [])];
      if (tags.length) await cache.invalidateTags(tags).catch((err) => onError(err, 'invalidate'));
    },

    async onResponse({ request, response, setResponse, fetchAPI }) {
      const miss = pending.get(request);
      if (!miss) {
        if (noStore.has(request)) response.headers.set('cache-control', 'no-store');
        return;
      }
      const settle = (stored: Stored | null) => {
        miss.settle?.(stored);
        if (miss.settle) inflight.delete(miss.key);
      };
      if (response.status !== 200 || miss.errors || miss.extensions === undefined) {
        settle(null);
        response.headers.set('cache-control', 'no-store');
        return;
      }
      const body = await response.text();
      const stored: Stored = { etag: `"${createHash('sha1').update(body).digest('base64url')}"`, body };
      settle(stored);
      cache
        .set(miss.key, encodeStored(stored), { ttl: miss.ttlSeconds * 1000, grace: miss.policy.grace * 1000, tags: miss.tags })
        .catch((err) => onError(err, 'set'));
      setResponse(answer(fetchAPI, request, stored, {
        hit: false, tier: 'origin', ageSeconds: 0, ttlSeconds: miss.ttlSeconds, scope: miss.policy.scope, stale: false,
      }, includeExtensions && !miss.extensions));
    },
  };
}
