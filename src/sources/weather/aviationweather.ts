import type { z } from 'zod';
import { wireMetar, wireTaf } from './aviationweather-body.ts';
import { WeatherFormatError } from './errors.ts';
import { toMetar } from './metar.ts';
import { toTaf } from './taf.ts';
import type { Metar, Taf } from './types.ts';

/**
 * aviationweather.gov's Data API (`/api/data/metar`, `/api/data/taf`): the query parameters we
 * send and the bodies we get back, as pure functions. The HTTP client does the request.
 */

/** Query parameters, ready for URLSearchParams. */
export type QueryParams = Record<string, string>;

/**
 * Stations per request. The service caps how much one query returns and asks callers to keep
 * requests small; 100 stations keeps the URL short and the answer well inside the cap.
 */
export const AWC_BATCH_SIZE = 100;

const ICAO_STATION = /^[A-Z][A-Z0-9]{3}$/;

function stationIds(stations: readonly string[]): string {
  if (stations.length === 0) throw new RangeError('expected at least one ICAO station, received none');
  return stations
    .map((station) => {
      const id = station.trim().toUpperCase();
      if (!ICAO_STATION.test(id)) throw new RangeError(`expected an ICAO station like KJFK, received ${JSON.stringify(station)}`);
      return id;
    })
    .join(',');
}

/** The latest METAR of each station: `{ids: "KJFK,EGLL", format: "json"}`. One batch at most. */
export function metarQuery(stations: readonly string[]): QueryParams {
  return { ids: stationIds(stations), format: 'json' };
}

/** The current TAF of each station: `{ids: "KJFK,EGLL", format: "json"}`. One batch at most. */
export function tafQuery(stations: readonly string[]): QueryParams {
  return { ids: stationIds(stations), format: 'json' };
}

/** Stations in batches of `size` for metarQuery/tafQuery, upper-cased, each once, in first-seen order. */
export function batches(stations: readonly string[], size = AWC_BATCH_SIZE): string[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`expected a positive integer batch size, received ${size}`);
  const unique = [...new Set(stations.map((s) => s.trim().toUpperCase()))];
  const result: string[][] = [];
  for (let i = 0; i < unique.length; i += size) result.push(unique.slice(i, i + size));
  return result;
}

/**
 * A `/api/data/metar?format=json` body as METARs. No content (HTTP 204, the answer when no station
 * has a report) is no METARs: pass null, undefined or "".
 * @throws WeatherFormatError for a body of any other shape.
 */
export function parseMetarBody(body: unknown, skip?: SkipRecord): Metar[] {
  return decoded(records(body, wireMetar, 'METAR', skip), toMetar, 'METAR', skip);
}

/**
 * Told of a record that could not be read, when one station's odd report should not cost
 * every other station in the answer its weather. Without it, such a record throws.
 */
export type SkipRecord = (error: WeatherFormatError) => void;

/**
 * A `/api/data/taf?format=json` body as TAFs; no content (204) is no TAFs.
 * @throws WeatherFormatError for a body of any other shape.
 */
export function parseTafBody(body: unknown, skip?: SkipRecord): Taf[] {
  return decoded(records(body, wireTaf, 'TAF', skip), toTaf, 'TAF', skip);
}

function decoded<W extends { icaoId: string }, T>(wire: W[], decode: (record: W) => T, kind: string, skip?: SkipRecord): T[] {
  if (!skip) return wire.map(decode);
  return wire.flatMap((record) => {
    try {
      return [decode(record)];
    } catch (err) {
      skip(new WeatherFormatError(`aviationweather.gov sent a ${kind} for ${record.icaoId} that could not be read: ${(err as Error).message}`));
      return [];
    }
  });
}

function records<T>(body: unknown, schema: z.ZodType<T>, kind: string, skip?: SkipRecord): T[] {
  if (body === null || body === undefined || body === '') return [];
  if (!Array.isArray(body)) throw new WeatherFormatError(`aviationweather.gov sent a ${kind} body that is not a list: ${JSON.stringify(body).slice(0, 200)}`);
  return body.flatMap((record, index) => {
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      const station = (record as { icaoId?: unknown } | null)?.icaoId;
      const where = typeof station === 'string' ? ` (${station})` : '';
      const error = new WeatherFormatError(`aviationweather.gov sent a ${kind} record [${index}]${where} of unknown shape: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (!skip) throw error;
      skip(error);
      return [];
    }
    return [parsed.data];
  });
}
