import type { Observed } from '../history/flights.ts';
import { reviveMetar, reviveTaf } from '../history/weather.ts';
import type { WeatherSource } from '../sources/weather/source.ts';
import type { Metar, Taf } from '../sources/weather/types.ts';
import type { EntityKind } from './entity-store.ts';

export const weatherTag = (station: string) => `Weather:${station}`;

export interface WeatherHistory {
  record(metars: Metar[]): void;
  latest(stations: string[]): Promise<Map<string, Observed<Metar>>>;
}

/** Of several reports per station (a correction, an hour's SPECIs), the newest of each. */
function newestByStation<T extends { station: string }>(reports: T[], timeOf: (report: T) => Date): Map<string, T> {
  const newest = new Map<string, T>();
  for (const report of reports) {
    const seen = newest.get(report.station);
    if (!seen || timeOf(seen) < timeOf(report)) newest.set(report.station, report);
  }
  return newest;
}

/** Every station asked for: its report, or null when the upstream has none. */
function answerFor<T>(stations: string[], found: Map<string, T>): Map<string, T | null> {
  return new Map(stations.map((station) => [station, found.get(station) ?? null]));
}

/** The current METAR of a station, many stations per upstream call: 900 s. */
export function metarKind(source: WeatherSource, history: WeatherHistory): EntityKind<string, Metar> {
  return {
    name: 'metar',
    id: (station) => station,
    // Stations from every request of these few ms share one call.
    batchWindowMs: 5,
    ttlMs: 900_000,
    graceMs: 30 * 60_000,
    tags: (station) => [weatherTag(station)],
    fetch: async (stations) => answerFor(stations, newestByStation(await source.metars(stations), (m) => m.observedAt)),
    revive: reviveMetar,
    persist: (metars) => history.record(metars),
    fallback: (stations) => history.latest(stations),
  };
}

/** The current TAF of a station, many stations per upstream call: 3600 s. Forecasts are not kept as history. */
export function tafKind(source: WeatherSource): EntityKind<string, Taf> {
  return {
    name: 'taf',
    id: (station) => station,
    batchWindowMs: 5,
    ttlMs: 3_600_000,
    graceMs: 3 * 3_600_000,
    tags: (station) => [weatherTag(station)],
    fetch: async (stations) => answerFor(stations, newestByStation(await source.tafs(stations), (t) => t.issuedAt)),
    revive: reviveTaf,
  };
}
