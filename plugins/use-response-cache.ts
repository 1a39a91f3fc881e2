import type { Plugin } from 'graphql-yoga';
import { errorFetchResponse } from './error-response.ts';
import { readParams, type RequestParams } from './response-cache/request-params.ts';
import {
  createResponseCacheCore,
  type Decision,
  type ResponseCacheCore,
  type ResponseCacheOptions,
  type SelfFetch,
  type Stored,
} from './response-cache/core.ts';
import type { VerifiedPrincipal } from './response-cache/key.ts';

export type { ResponseCacheOptions, ResponseCacheStore, SelfFetch } from './response-cache/core.ts';

export interface ResponseCachePluginOptions<P extends VerifiedPrincipal> extends ResponseCacheOptions<P> {
  /**
   * Turns a persisted query's hash into its query before the cache looks (see
   * usePersistedQueries' `resolve`), or says what to answer instead. Default: params as sent.
   */
  resolveParams?: (params: RequestParams) => Promise<RequestParams | { status: number; message: string; code: string }>;
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
  const { principalOf, tagsOf = () => undefined, maxAgeOf = () => undefined, resolveParams = async (params) => params } = options;
  const misses = new WeakMap<Request, Miss>();
  const parsedParams = new WeakMap<Request, unknown>();
  const noStore = new WeakSet<Request>();

  const toResponse = (fetchAPI: { Response: typeof Response }, answer: ReturnType<ResponseCacheCore['answer']>) =>
    new fetchAPI.Response(answer.status === 304 ? null : (Buffer.concat(answer.chunks) as unknown as BodyInit), { status: answer.status, headers: answer.headers });

  return {
    core,
    attach: (fetch) => core.attach(fetch),

    async onRequest({ request, url, fetchAPI, endResponse }) {
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
        return;
      }
      const resolved = await resolveParams(read.params);
      if ('code' in resolved) {
        endResponse(errorFetchResponse(fetchAPI, resolved.status, resolved.code, resolved.message));
        return;
      }
      const params: RequestParams = resolved;
      parsedParams.set(request, params);
      if (typeof params.query !== 'string') return;

      const decision = core.decide(params, principalOf(request), url, request.headers);
      if (decision.kind === 'uncacheable') {
        noStore.add(request);
        return;
      }
      const startedAt = Date.now();
      const found = await core.lookup(decision, { url, headers: request.headers, params });
      if ('stored' in found) {
        endResponse(toResponse(fetchAPI, core.answer(found.stored, found.meta, request.headers.get('if-none-match'))));
        return;
      }
      misses.set(request, { decision, startedAt, settle: found.settle });
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
      miss.tags = [...(tagsOf(context) ?? []), ...miss.decision.policy.types.map((t) => `type:${t}`)];
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
        response.headers.set('cache-control', 'no-store');
        return;
      }
      const decision = miss.maxAge === undefined ? miss.decision : { ...miss.decision, ttlSeconds: Math.min(miss.decision.ttlSeconds, miss.maxAge) };
      const stored = core.store(decision, await response.text(), miss.tags ?? [], miss.startedAt);
      miss.settle?.(stored, decision.ttlSeconds);
      const meta = { hit: false, tier: 'origin', ageSeconds: 0, ttlSeconds: decision.ttlSeconds, scope: decision.policy.scope, stale: false };
      setResponse(toResponse(fetchAPI, core.answer(stored, meta, null, miss.extensions ? false : undefined)));
    },
  };
}
