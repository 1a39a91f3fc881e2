import type { HttpClient } from '../http-client.ts';
import { batches, metarQuery, parseMetarBody, parseTafBody, tafQuery, type SkipRecord } from './aviationweather.ts';
import type { Metar, Taf } from './types.ts';

export interface WeatherSource {
  /** The latest METAR of each station that has one; unknown stations are simply absent. */
  metars(stations: readonly string[]): Promise<Metar[]>;
  /** The current TAF of each station that has one. */
  tafs(stations: readonly string[]): Promise<Taf[]>;
}

/**
 * Weather from aviationweather.gov's Data API: many stations per call, `batchSize` at most. A
 * record that cannot be read is told to `skipped` and left out (its station answers as having
 * no report), so one odd report never costs the other stations theirs.
 */
export function createWeatherSource(http: HttpClient, batchSize: number, skipped: SkipRecord): WeatherSource {
  async function fetchAll<T>(stations: readonly string[], path: string, query: (ids: string[]) => Record<string, string>, parse: (body: unknown, skip: SkipRecord) => T[]) {
    const answers = await Promise.all(batches(stations, batchSize).map(async (ids) => parse((await http.get(path, query(ids))).body, skipped)));
    return answers.flat();
  }
  return {
    metars: (stations) => fetchAll(stations, '/api/data/metar', metarQuery, parseMetarBody),
    tafs: (stations) => fetchAll(stations, '/api/data/taf', tafQuery, parseTafBody),
  };
}
