// Which keys under CACHE_KEY_PREFIX are the cache's: the admin API flushes and purges these
// and nothing else under the prefix. The same Redis holds, under the same prefix, the rate
// limiter's budgets (`ratelimit:`), the warming leases (`warming:lease:`) and possibly another
// deployment whose prefix extends this one (`contrail:staging:` under `contrail:`); none of
// them is a cached answer, and a flush must not reset a budget or free a lease.
//
// Tag invalidation times (`{tags}:<prefix>…`) and the bus (a pub/sub channel) are not under
// the prefix at all.

/** Where each is written; a key space is what the key starts with after the prefix. */
export const CACHE_KEY_SPACES: readonly string[] = [
  // Response cache answers: `rc<version>|…` (plugins/response-cache/key.ts).
  'rc',
  // Entity cache: `entity:<kind>:<id>` (src/entities/entity-store.ts).
  'entity:',
  // Automatic persisted queries' texts: `apq:<sha256>` (plugins/use-persisted-queries.ts).
  'apq:',
  // Any of those whose key was too long to store as it is: `#<sha256>` (src/cache/chain.ts).
  '#',
];
