import type { HttpClient } from '../http-client.ts';
import { batches, metarQuery, parseMetarBody, parseTafBody, tafQuery, type SkipRecord } from './aviationweather.ts';
import type { Metar, Taf } from './types.ts';

export interface WeatherSource {
  /** The latest METAR of each station that has one; unknown stations are simply absent. */
  metars(stations: readonly string[]): Promise<Metar[]>;
  /** The current TAF of each station that has one. */
  tafs(stations: readonly string[]): Promise<Taf[]>;
  /**
   * Every METAR of each station over the last `hours` (1 to METAR_HISTORY_MAX_HOURS), for filling
   * history. One station's answer is `hours` times a latest call's: callers pass few stations.
   */
  metarHistory(stations: readonly string[], hours: number): Promise<Metar[]>;
}

/** How far back aviationweather.gov answers METARs: it keeps about 15 days. */
export const METAR_HISTORY_MAX_HOURS = 15 * 24;

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
    async metarHistory(stations, hours) {
      if (!Number.isInteger(hours) || hours < 1 || hours > METAR_HISTORY_MAX_HOURS) {
        throw new RangeError(`expected whole hours from 1 to ${METAR_HISTORY_MAX_HOURS}, received ${hours}`);
      }
      return fetchAll(stations, '/api/data/metar', (ids) => ({ ...metarQuery(ids), hours: String(hours) }), parseMetarBody);
    },
  };
}
