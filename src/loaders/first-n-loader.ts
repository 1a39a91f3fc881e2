import DataLoader from 'dataloader';

export interface FirstN<K> {
  key: K;
  first: number;
}

/**
 * A loader of the first `first` children of many parents. Requests are grouped by `first`
 * (in practice one group a query level), and each group is one call to `fetch`.
 */
export function createFirstNLoader<K, V>(
  fetch: (keys: K[], first: number) => Promise<V[]>,
  parentOf: (row: V) => K | null,
): DataLoader<FirstN<K>, V[], string> {
  return new DataLoader(
    async (requests) => {
      const keysByFirst = new Map<number, K[]>();
      for (const { key, first } of requests) {
        const keys = keysByFirst.get(first);
        if (keys) keys.push(key);
        else keysByFirst.set(first, [key]);
      }
      const childrenByFirst = new Map<number, Map<K, V[]>>();
      await Promise.all(
        [...keysByFirst].map(async ([first, keys]) => {
          const children = new Map<K, V[]>();
          for (const row of await fetch(keys, first)) {
            const parent = parentOf(row);
            if (parent === null) continue;
            const list = children.get(parent);
            if (list) list.push(row);
            else children.set(parent, [row]);
          }
          childrenByFirst.set(first, children);
        }),
      );
      return requests.map(({ key, first }) => childrenByFirst.get(first)?.get(key) ?? []);
    },
    { cacheKeyFn: ({ key, first }) => `${String(key)}:${first}` },
  );
}
