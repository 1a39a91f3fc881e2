import type { Plugin } from 'graphql-yoga';
import { errorFetchResponse } from './error-response.ts';
import { readParams, type RequestParams } from './response-cache/request-params.ts';
import { operationTag } from './response-cache/operation-tag.ts';
import {
  createResponseCacheCore,
  type Decision,
  type ResponseCacheCore,
  type ResponseCacheOptions,
  type SelfFetch,
  type Stored,
} from './response-cache/core.ts';
import type { VerifiedPrincipal } from './response-cache/key.ts';
import type { CacheOutcome } from './response-cache/outcome.ts';

export type { ResponseCacheOptions, ResponseCacheStore, SelfFetch } from './response-cache/core.ts';

export interface ResponseCachePluginOptions<P extends VerifiedPrincipal> extends ResponseCacheOptions<P> {
  /**
   * Turns a persisted query's hash into its query before the cache looks (see
   * usePersistedQueries' `resolve`), or says what to answer instead. Default: params as sent.
   */
  resolveParams?: (params: RequestParams, request: Request) => Promise<RequestParams | { status: number; message: string; code: string }>;
  /**
   * Told of params answered from the cache, whose query therefore executed cleanly before (a
   * persisted query waiting for that to be kept: usePersistedQueries' `answered`). Default: none.
   */
  answeredFromCache?: (params: RequestParams) => void;
}

export interface ResponseCachePlugin extends Plugin {
  /** Gives the plugin the gateway's own fetch, for background refreshes of stale answers. */
  attach(fetch: SelfFetch): void;
  /** The decisions behind the plugin, for a server that answers hits before Yoga. */
  core: ResponseCacheCore;
}

interface Miss {
  decision: Extract<Decision, { kind: 'cacheable' }>;
  /** When the miss was seen, before anything executed: the entry's creation time. */
  startedAt: number;
  settle?: (stored: Stored | null, ttlSeconds?: number) => void;
  errors?: boolean;
  extensions?: boolean;
  tags?: string[];
  /** Seconds the execution allowed the answer to be kept, below the operation's TTL. */
  maxAge?: number;
  /** For the observer: who asked, what, and the request's server context (absent: not told, a refresh). */
  observed?: { viewer: string; operationName: string | null; serverContext: unknown };
}

/**
 * The response cache. A hit is answered in onRequest, before Yoga parses, validates or
 * executes anything, with the bytes stored at the miss (encoded once). Concurrent identical
 * misses execute once. Answers with errors are not stored. Invalidation is not the plugin's:
 * the code that writes declares what it touched (whatever the client selected, however the
 * request arrived) and invalidates it through the same store.
 */
export function useResponseCache<P extends VerifiedPrincipal>(options: ResponseCachePluginOptions<P>): ResponseCachePlugin {
  const core = createResponseCacheCore(options);
  const { principalOf, tagsOf = () => undefined, maxAgeOf = () => undefined, resolveParams = async (params) => params, answeredFromCache } = options;
  const misses = new WeakMap<Request, Miss>();
  const parsedParams = new WeakMap<Request, unknown>();
  const noStore = new WeakSet<Request>();
  const observe = core.observe;
  const uncacheable = (operationName: string | null, viewer: string | undefined, serverContext: unknown) =>
    observe?.({ outcome: 'uncacheable', scope: 'NONE', viewer, operationName, path: 'yoga' }, serverContext);

  /** A miss (or an admin's bypass) once answered: stored with `bytes`, or not stored. */
  const tell = (miss: Miss, ttlSeconds: number, bytes: number | undefined) => {
    if (!miss.observed) return;
    const { decision } = miss;
    const outcome: CacheOutcome = {
      outcome: decision.bypass ? 'bypass' : 'miss',
      scope: decision.policy.scope,
      viewer: miss.observed.viewer,
      operationName: miss.observed.operationName,
      key: decision.key,
      ttlSeconds,
      path: 'yoga',
    };
    if (bytes !== undefined) outcome.bytes = bytes;
    observe!(outcome, miss.observed.serverContext);
  };

  const toResponse = (fetchAPI: { Response: typeof Response }, answer: ReturnType<ResponseCacheCore['answer']>) =>
    new fetchAPI.Response(answer.status === 304 ? null : (Buffer.concat(answer.chunks) as unknown as BodyInit), { status: answer.status, headers: answer.headers });

  return {
    core,
    attach: (fetch) => core.attach(fetch),

    async onRequest({ request, url, fetchAPI, endResponse, serverContext }) {
      if (url.pathname !== '/graphql' || (request.method !== 'GET' && request.method !== 'POST')) return;
      // A GET without a query or a persisted-query hash is GraphiQL.
      if (request.method === 'GET' && !url.searchParams.has('query') && !url.searchParams.has('extensions')) return;
      // Streamed answers (GraphQL over SSE, incremental delivery) are not JSON bytes to store.
      if (/text\/event-stream|multipart\/mixed/.test(request.headers.get('accept') ?? '')) return;
      const read = await readParams(request, url);
      if (read.kind === 'invalid') {
        endResponse(errorFetchResponse(fetchAPI, 400, 'BAD_REQUEST', read.message));
        return;
      }
      if (read.kind === 'other') {
        if (read.body !== undefined) parsedParams.set(request, read.body);
        uncacheable(null, undefined, serverContext);
        return;
      }
      const resolved = await resolveParams(read.params, request);
      if ('code' in resolved) {
        endResponse(errorFetchResponse(fetchAPI, resolved.status, resolved.code, resolved.message));
        return;
      }
      const params: RequestParams = resolved;
      parsedParams.set(request, params);
      const operationName = params.operationName ?? null;
      if (typeof params.query !== 'string') {
        uncacheable(operationName, undefined, serverContext);
        return;
      }

      const principal = principalOf(request);
      const decision = core.decide(params, principal, url, request.headers);
      if (decision.kind === 'uncacheable') {
        noStore.add(request);
        uncacheable(operationName, principal.kind, serverContext);
        return;
      }
      const startedAt = Date.now();
      const found = await core.lookup(decision, { url, headers: request.headers, params });
      if ('stored' in found) {
        const { meta } = found;
        observe?.(
          {
            outcome: meta.hit ? (meta.stale ? 'stale' : 'hit') : 'shared',
            tier: meta.hit ? meta.tier : undefined,
            scope: decision.policy.scope,
            viewer: principal.kind,
            operationName,
            key: decision.key,
            ttlSeconds: decision.ttlSeconds,
            bytes: found.stored.body.length,
            path: 'yoga',
          },
          serverContext,
        );
        answeredFromCache?.(params);
        endResponse(toResponse(fetchAPI, core.answer(found.stored, meta, request.headers.get('if-none-match'))));
        return;
      }
      // The cache's own refresh of a stale answer is no client's request: not told.
      const observed = observe && !(decision.bypass && core.isRefresh(request.headers)) ? { viewer: principal.kind, operationName, serverContext } : undefined;
      misses.set(request, { decision, startedAt, settle: found.settle, observed });
    },

    onRequestParse({ request, setRequestParser }) {
      if (parsedParams.has(request)) setRequestParser(() => parsedParams.get(request) as never);
    },

    onExecutionResult({ request, result, context }) {
      if (!result || Symbol.asyncIterator in result) return;
      const miss = misses.get(request);
      if (!miss) return;
      miss.errors = Boolean(result.errors?.length);
      miss.extensions = Boolean(result.extensions && Object.keys(result.extensions).length);
      const opTag = operationTag((parsedParams.get(request) as RequestParams | undefined)?.operationName);
      miss.tags = [...(tagsOf(context) ?? []), ...miss.decision.policy.types.map((t) => `type:${t}`), ...(opTag ? [opTag] : [])];
      miss.maxAge = maxAgeOf(context);
    },

    async onResponse({ request, response, setResponse, fetchAPI }) {
      const miss = misses.get(request);
      if (!miss) {
        if (noStore.has(request)) response.headers.set('cache-control', 'no-store');
        return;
      }
      const json = /json/.test(response.headers.get('content-type') ?? '');
      if (response.status !== 200 || !json || miss.errors || miss.extensions === undefined || miss.maxAge === 0) {
        miss.settle?.(null);
        tell(miss, miss.decision.ttlSeconds, undefined);
        response.headers.set('cache-control', 'no-store');
        return;
      }
      const decision = miss.maxAge === undefined ? miss.decision : { ...miss.decision, ttlSeconds: Math.min(miss.decision.ttlSeconds, miss.maxAge) };
      const stored = core.store(decision, await response.text(), miss.tags ?? [], miss.startedAt);
      miss.settle?.(stored, decision.ttlSeconds);
      tell(miss, decision.ttlSeconds, stored.body.length);
      const meta = { hit: false, tier: 'origin', ageSeconds: 0, ttlSeconds: decision.ttlSeconds, scope: decision.policy.scope, stale: false };
      setResponse(toResponse(fetchAPI, core.answer(stored, meta, null, miss.extensions ? false : undefined)));
    },
  };
}
