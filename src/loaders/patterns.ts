import DataLoader from 'dataloader';
import type { Database } from '../db/database.ts';
import { flightPatterns, weatherPatterns, type FlightPattern, type FlightPatternKey, type WeatherPattern } from '../sql/patterns.ts';

/** One pattern asked for: what it is of, and over how many days back from now. */
export interface Windowed<K> {
  key: K;
  days: number;
}

/**
 * A loader of patterns over a window. Requests are grouped by `days` (in practice one group a
 * query level, as `first` groups createFirstNLoader's), and each group is one call to `fetch`,
 * which answers one pattern per key, in key order.
 */
function createWindowedLoader<K, V>(
  fetch: (keys: K[], days: number) => Promise<V[]>,
  idOf: (key: K) => string,
): DataLoader<Windowed<K>, V, string> {
  return new DataLoader(
    async (requests) => {
      const keysByDays = new Map<number, K[]>();
      for (const { key, days } of requests) {
        const keys = keysByDays.get(days);
        if (keys) keys.push(key);
        else keysByDays.set(days, [key]);
      }
      const answers = new Map<string, V>();
      await Promise.all(
        [...keysByDays].map(async ([days, keys]) => {
          const values = await fetch(keys, days);
          if (values.length !== keys.length) throw new Error(`Expected ${keys.length} patterns, one per key; received ${values.length}.`);
          keys.forEach((key, i) => answers.set(`${idOf(key)}:${days}`, values[i]!));
        }),
      );
      return requests.map(({ key, days }) => answers.get(`${idOf(key)}:${days}`)!);
    },
    { cacheKeyFn: ({ key, days }) => `${idOf(key)}:${days}` },
  );
}

export function createPatternLoaders(db: Database) {
  return {
    /** Route.pattern and flightPattern share it: a route asked both ways costs one key. */
    flightPattern: createWindowedLoader<FlightPatternKey, FlightPattern>(
      (keys, days) => flightPatterns(db, keys, days),
      (k) => `${k.origin}-${k.destination}-${k.airline ?? '*'}`,
    ),
    /** By ICAO station. */
    weatherPattern: createWindowedLoader<string, WeatherPattern>((stations, days) => weatherPatterns(db, stations, days), (s) => s),
  };
}
