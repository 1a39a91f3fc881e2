import type { HttpClient } from '../http-client.ts';
import { batches, metarQuery, parseMetarBody, parseTafBody, tafQuery } from './aviationweather.ts';
import type { Metar, Taf } from './types.ts';

export interface WeatherSource {
  /** The latest METAR of each station that has one; unknown stations are simply absent. */
  metars(stations: readonly string[]): Promise<Metar[]>;
  /** The current TAF of each station that has one. */
  tafs(stations: readonly string[]): Promise<Taf[]>;
}

/** Weather from aviationweather.gov's Data API: many stations per call, `batchSize` at most. */
export function createWeatherSource(http: HttpClient, batchSize: number): WeatherSource {
  async function fetchAll<T>(stations: readonly string[], path: string, query: (ids: string[]) => Record<string, string>, parse: (body: unknown) => T[]) {
    const answers = await Promise.all(batches(stations, batchSize).map(async (ids) => parse((await http.get(path, query(ids))).body)));
    return answers.flat();
  }
  return {
    metars: (stations) => fetchAll(stations, '/api/data/metar', metarQuery, parseMetarBody),
    tafs: (stations) => fetchAll(stations, '/api/data/taf', tafQuery, parseTafBody),
  };
}
