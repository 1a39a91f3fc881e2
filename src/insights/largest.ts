/** One of the largest answers seen, by its stored size. */
export interface LargeEntry {
  /** The key as reports show it (truncated by the recorder). */
  key: string;
  bytes: number;
  operationName: string | null;
  scope: string;
}

/**
 * The `size` largest entries seen (one row per key id: the recorder's fixed-size name for a key). Most offers are refused by one comparison
 * with the smallest kept; only a larger one costs a pass over the `size` kept.
 */
export function largestTracker(size: number) {
  const entries = new Map<string, LargeEntry>();
  let floor = 0;
  const refreshFloor = () => {
    floor = entries.size < size ? 0 : Math.min(...[...entries.values()].map((e) => e.bytes));
  };
  return {
    entries,
    offer(id: string, key: string, bytes: number, operationName: string | null, scope: string): void {
      if (size <= 0 || bytes <= floor) return;
      const kept = entries.get(id);
      if (kept) {
        if (bytes > kept.bytes) kept.bytes = bytes;
      } else {
        if (entries.size >= size) {
          let smallest: [string, LargeEntry] | undefined;
          for (const entry of entries) if (!smallest || entry[1].bytes < smallest[1].bytes) smallest = entry;
          entries.delete(smallest![0]);
        }
        entries.set(id, { key, bytes, operationName, scope });
      }
      refreshFloor();
    },
  };
}
