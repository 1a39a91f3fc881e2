import type { WireMetar } from './aviationweather-body.ts';
import { awcElements } from './awc-elements.ts';
import { fillFromRaw, resolve } from './elements.ts';
import { decodeMetarText } from './raw-report.ts';
import type { Metar } from './types.ts';
import { hectopascals } from './units.ts';

/**
 * An aviationweather.gov METAR record as a Metar: the JSON's values, with the raw observation
 * (decoded by metar-taf-parser) filling what the JSON left out; see fillFromRaw for which wins.
 * The flight category is computed here by one rule for METARs and TAFs alike, not copied from
 * the record's `fltCat`.
 */
export function toMetar(record: WireMetar): Metar {
  const decoded = decodeMetarText(record.rawOb);
  const elements = resolve(fillFromRaw(awcElements(record), decoded?.elements ?? null));
  return {
    station: record.icaoId.trim().toUpperCase(),
    observedAt: new Date(record.obsTime * 1000),
    temperatureC: record.temp ?? decoded?.temperatureC ?? null,
    dewPointC: record.dewp ?? decoded?.dewPointC ?? null,
    wind: elements.wind,
    visibility: elements.visibility,
    altimeterHpa: awcAltimeter(record.altim) ?? decoded?.altimeterHpa ?? null,
    clouds: elements.clouds,
    verticalVisibilityFt: elements.verticalVisibilityFt,
    ceilingFt: elements.ceilingFt,
    weather: elements.weather,
    flightCategory: elements.flightCategory,
    raw: record.rawOb,
  };
}

// The Data API gives hPa; its predecessor gave inches of mercury. No sea-level pressure is below
// 100 hPa nor above 100 inHg, so a value under 100 can only be inches.
function awcAltimeter(altim: number | null): number | null {
  if (altim === null) return null;
  return altim < 100 ? hectopascals(altim) : altim;
}
