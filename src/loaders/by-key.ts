import DataLoader from 'dataloader';

/**
 * DataLoader's contract: one result per key, in key order. These two helpers are the only
 * place that contract is kept, so no batch function can return rows in database order.
 */
export function oneByKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K | null): (V | null)[] {
  const byKey = new Map<K | null, V>();
  for (const row of rows) {
    const key = keyOf(row);
    if (!byKey.has(key)) byKey.set(key, row);
  }
  return keys.map((key) => byKey.get(key) ?? null);
}

export function manyByKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): V[][] {
  const byKey = new Map<K, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = byKey.get(key);
    if (list) list.push(row);
    else byKey.set(key, [row]);
  }
  return keys.map((key) => byKey.get(key) ?? []);
}

/**
 * A loader of one row per key: one statement per batch, the rows matched to the keys by
 * `keyOf`. `alsoPrime` sees every row fetched, so that loaders reaching the same row by
 * another key (an airport by id after it came by code) answer it without a statement.
 */
export function byKeyLoader<K, V>(
  fetch: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (row: V) => K | null,
  alsoPrime?: (row: V) => void,
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await fetch(keys);
    if (alsoPrime) for (const row of rows) alsoPrime(row);
    return oneByKey(keys, rows, keyOf);
  });
}

/** A loader of every row per key (many rows can share one): one statement per batch. */
export function groupLoader<K, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (row: V) => K): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => manyByKey(keys, await fetch(keys), keyOf));
}
