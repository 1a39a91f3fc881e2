import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { RequestParams } from './request-params.ts';
import type { ResponseCacheStore } from './response-cache-core.ts';

export interface PersistedQueryError {
  status: number;
  message: string;
  code: 'PERSISTED_QUERY_NOT_FOUND' | 'PERSISTED_QUERY_NOT_SUPPORTED' | 'PERSISTED_QUERY_HASH_MISMATCH';
}

const KEEP_MS = 7 * 24 * 3600 * 1000;

/**
 * Automatic persisted queries (Apollo's protocol): a client sends the SHA-256 of its query;
 * the first time, with the query, which is then kept (in this process and in the shared
 * cache, so every instance knows it); afterwards the hash alone — short enough for a GET URL
 * a CDN can cache.
 */
export function createPersistedQueries(store: Pick<ResponseCacheStore, 'get' | 'set'>) {
  const local = new LRUCache<string, string>({ max: 5000 });
  const keyOf = (hash: string) => `apq:${hash}`;

  return async (params: RequestParams): Promise<RequestParams | PersistedQueryError> => {
    const persisted = params.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
    if (!persisted) return params;
    if (persisted.version !== 1 || typeof persisted.sha256Hash !== 'string' || !/^[0-9a-f]{64}$/.test(persisted.sha256Hash)) {
      return { status: 400, message: 'Unsupported persisted query: expected version 1 and a hex SHA-256 hash.', code: 'PERSISTED_QUERY_NOT_SUPPORTED' };
    }
    const hash = persisted.sha256Hash;
    if (typeof params.query === 'string') {
      if (createHash('sha256').update(params.query).digest('hex') !== hash) {
        return { status: 400, message: 'The persisted query hash does not match the query.', code: 'PERSISTED_QUERY_HASH_MISMATCH' };
      }
      if (!local.has(hash)) {
        local.set(hash, params.query);
        await store.set(keyOf(hash), params.query, { ttl: KEEP_MS }).catch(() => undefined);
      }
      return params;
    }
    let query = local.get(hash);
    if (query === undefined) {
      const found = await store.get(keyOf(hash));
      if (typeof found?.value === 'string') {
        query = found.value;
        local.set(hash, query);
      }
    }
    // Apollo clients expect this exact message and a 200, then resend with the query.
    if (query === undefined) return { status: 200, message: 'PersistedQueryNotFound', code: 'PERSISTED_QUERY_NOT_FOUND' };
    return { ...params, query };
  };
}
