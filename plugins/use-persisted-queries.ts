import { createHash } from 'node:crypto';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { RequestParams } from './response-cache/request-params.ts';

/** Where known queries are kept beyond this process (the gateway passes its cache chain). */
export interface PersistedQueryStore {
  get(key: string): Promise<{ value: unknown } | undefined>;
  set(key: string, value: string, options: { ttl: number }): Promise<void>;
}

export interface PersistedQueriesOptions {
  /** Shared with the other instances, so each knows a hash any of them was taught. Default: this process only. */
  store?: PersistedQueryStore;
  /** How long a query stays known. Default: 7 days. */
  keepMs?: number;
}

export interface PersistedQueryError {
  status: number;
  message: string;
  code: 'PERSISTED_QUERY_NOT_FOUND' | 'PERSISTED_QUERY_NOT_SUPPORTED' | 'PERSISTED_QUERY_HASH_MISMATCH';
}

export interface PersistedQueriesPlugin extends Plugin {
  /**
   * The params with the query a hash stands for (checked against it when both are sent), or
   * the error to answer. For a plugin that reads requests before Yoga does (the response cache).
   */
  resolve(params: RequestParams): Promise<RequestParams | PersistedQueryError>;
  /** Params answered without executing (a cache hit), whose query executed cleanly before: kept now. */
  answered(params: RequestParams): void;
}

/**
 * Automatic persisted queries (Apollo's protocol): a client sends the SHA-256 of its query;
 * the first time, with the query, which is then kept (in this process and in the store, so
 * every instance knows it) once it has executed without errors — a query that fails to parse,
 * validate or pass the limits is never kept; afterwards the hash alone — short enough for a GET
 * URL a CDN can cache. Works whether or not the response cache is on.
 */
export function usePersistedQueries({ store, keepMs = 7 * 24 * 3600 * 1000 }: PersistedQueriesOptions = {}): PersistedQueriesPlugin {
  const local = new LRUCache<string, string>({ max: 5000 });
  const keyOf = (hash: string) => `apq:${hash}`;
  // Params this plugin already resolved (for the response cache): not hashed a second time.
  const resolved = new WeakSet<object>();
  // Hashes sent with their query, checked, and waiting for the query to execute cleanly.
  const pending = new LRUCache<string, string>({ max: 5000 });

  async function register(hash: string, query: string): Promise<void> {
    if (local.has(hash) || pending.get(hash) !== query) return;
    pending.delete(hash);
    local.set(hash, query);
    await store?.set(keyOf(hash), query, { ttl: keepMs }).catch(() => undefined);
  }

  async function resolve(params: RequestParams): Promise<RequestParams | PersistedQueryError> {
    const persisted = params.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
    if (!persisted || resolved.has(params)) return params;
    if (persisted.version !== 1 || typeof persisted.sha256Hash !== 'string' || !/^[0-9a-f]{64}$/.test(persisted.sha256Hash)) {
      return { status: 400, message: 'Unsupported persisted query: expected version 1 and a hex SHA-256 hash.', code: 'PERSISTED_QUERY_NOT_SUPPORTED' };
    }
    const hash = persisted.sha256Hash;
    if (typeof params.query === 'string') {
      if (createHash('sha256').update(params.query).digest('hex') !== hash) {
        return { status: 400, message: 'The persisted query hash does not match the query.', code: 'PERSISTED_QUERY_HASH_MISMATCH' };
      }
      if (!local.has(hash)) pending.set(hash, params.query);
      resolved.add(params);
      return params;
    }
    let query = local.get(hash);
    if (query === undefined) {
      const found = await store?.get(keyOf(hash)).catch(() => undefined);
      if (typeof found?.value === 'string') {
        query = found.value;
        local.set(hash, query);
      }
    }
    // Apollo clients expect this exact message and a 200, then resend with the query.
    if (query === undefined) return { status: 200, message: 'PersistedQueryNotFound', code: 'PERSISTED_QUERY_NOT_FOUND' };
    const withQuery = { ...params, query };
    resolved.add(withQuery);
    return withQuery;
  }

  /** The hash and query of params sent to register a persisted query, if they are. */
  function registration(params: RequestParams | undefined): [string, string] | undefined {
    const hash = (params?.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
    return typeof hash === 'string' && typeof params?.query === 'string' && pending.has(hash) ? [hash, params.query] : undefined;
  }

  return {
    resolve,
    answered(params) {
      const found = registration(params);
      if (found) void register(...found);
    },
    // Kept only once it ran without errors: the request's own answer says the query is good.
    onExecute: ({ args }) => ({
      onExecuteDone({ result }) {
        // A stream (defer, subscriptions) is not one answer to judge the query by.
        if (Symbol.asyncIterator in result || result.errors?.length) return;
        const found = registration((args.contextValue as { params?: RequestParams }).params);
        if (found) return register(...found);
      },
    }),
    // Once the request is read and before Yoga checks that it has a query.
    onRequestParse: () => ({
      async onRequestParseDone({ requestParserResult: params, setRequestParserResult }) {
        // Batches and malformed bodies are Yoga's to refuse.
        if (params === null || typeof params !== 'object' || Array.isArray(params)) return;
        const outcome = await resolve(params as RequestParams);
        if ('code' in outcome) throw createGraphQLError(outcome.message, { extensions: { code: outcome.code, http: { status: outcome.status } } });
        if (outcome !== params) setRequestParserResult(outcome as typeof params);
      },
    }),
  };
}
