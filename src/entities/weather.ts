import type { Observed } from '../history/flights.ts';
import { reviveMetar, reviveTaf } from '../history/weather.ts';
import type { WeatherSource } from '../sources/weather/source.ts';
import type { Metar, Taf } from '../sources/weather/types.ts';
import { batches } from '../sources/weather/aviationweather.ts';
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

// What aviationweather.gov names stations by. Some airports carry local codes in their ICAO
// column ("07FA"): no station reports under them, so they are answered null without a call.
const ICAO_STATION = /^[A-Z][A-Z0-9]{3}$/;

/**
 * Every station asked for: its newest report, null when the upstream has none, or the error of
 * the batch it was in — one failed batch costs its own stations, not the others'.
 */
async function fetchStations<T extends { station: string }>(
  stations: string[],
  batchSize: number,
  fetch: (batch: string[]) => Promise<T[]>,
  timeOf: (report: T) => Date,
): Promise<Map<string, T | null | Error>> {
  const answer = new Map<string, T | null | Error>(stations.filter((s) => !ICAO_STATION.test(s)).map((s) => [s, null]));
  const valid = stations.filter((s) => ICAO_STATION.test(s));
  const groups = batches(valid, batchSize);
  const settled = await Promise.allSettled(groups.map(fetch));
  groups.forEach((group, i) => {
    const outcome = settled[i]!;
    const found = outcome.status === 'fulfilled' ? newestByStation(outcome.value, timeOf) : undefined;
    for (const station of group) answer.set(station, found ? (found.get(station) ?? null) : (outcome as PromiseRejectedResult).reason);
  });
  return answer;
}

/** The current METAR of a station, many stations per upstream call: 900 s. */
export function metarKind(source: WeatherSource, history: WeatherHistory, batchSize: number): EntityKind<string, Metar> {
  return {
    name: 'metar',
    id: (station) => station,
    // Stations from every request of these few ms share one call.
    batchWindowMs: 5,
    ttlMs: 900_000,
    graceMs: 30 * 60_000,
    tags: (station) => [weatherTag(station)],
    fetch: (stations) => fetchStations(stations, batchSize, (batch) => source.metars(batch), (m) => m.observedAt),
    revive: reviveMetar,
    persist: (metars) => history.record(metars),
    fallback: (stations) => history.latest(stations),
  };
}

/** The current TAF of a station, many stations per upstream call: 3600 s. Forecasts are not kept as history. */
export function tafKind(source: WeatherSource, batchSize: number): EntityKind<string, Taf> {
  return {
    name: 'taf',
    id: (station) => station,
    batchWindowMs: 5,
    ttlMs: 3_600_000,
    graceMs: 3 * 3_600_000,
    tags: (station) => [weatherTag(station)],
    fetch: (stations) => fetchStations(stations, batchSize, (batch) => source.tafs(batch), (t) => t.issuedAt),
    revive: reviveTaf,
  };
}
