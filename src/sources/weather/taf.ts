import type { WireTaf, WireTafPeriod } from './aviationweather-body.ts';
import { awcElements } from './awc-elements.ts';
import { fillFromRaw, inherit, resolve, type Elements } from './elements.ts';
import { WeatherFormatError } from './errors.ts';
import { decodeTafText, type DecodedTafPeriod } from './raw-report.ts';
import type { Taf, TafChange, TafPeriod } from './types.ts';

/**
 * An aviationweather.gov TAF record as a Taf.
 *
 * Periods come from the JSON's `fcsts`, each filled from the matching group of the decoded raw
 * text (same kind of change, same start); when the JSON has no periods at all they come from the
 * decoded text alone.
 *
 * Inheritance, so every period reads as complete weather. BECMG, TEMPO and PROB groups only state
 * what changes (ICAO Annex 3, App. 5): an element a group does not mention is the prevailing
 * forecast's. The prevailing forecast is the opening conditions or the latest FM (each complete on
 * its own and inheriting nothing), with every BECMG since applied, since a BECMG change lasts;
 * TEMPO and PROB changes do not, so they never alter what later groups inherit. Groups are taken
 * in the order written, which is chronological in a TAF. An element counts as a whole: a group
 * that mentions any cloud (or a vertical visibility) replaces the whole sky.
 */
export function toTaf(record: WireTaf): Taf {
  const issuedAt = awcTime(record.issueTime) ?? awcTime(record.bulletinTime);
  if (issuedAt === null) throw new WeatherFormatError(`TAF ${record.icaoId}: expected an issueTime like 2026-11-21T17:20:00.000Z, received ${JSON.stringify(record.issueTime)}`);
  const validFrom = new Date(record.validTimeFrom * 1000);
  const validTo = new Date(record.validTimeTo * 1000);
  const decoded = decodeTafText(record.rawTAF, issuedAt);
  const periods = record.fcsts.length > 0 ? fromJson(record, decoded ?? []) : fromText(decoded ?? [], validTo);
  return { station: record.icaoId.trim().toUpperCase(), issuedAt, validFrom, validTo, raw: record.rawTAF, periods: withInheritance(periods) };
}

interface OwnPeriod {
  change: TafChange;
  probability: number | null;
  from: Date;
  to: Date;
  elements: Elements;
}

function fromJson(record: WireTaf, decoded: DecodedTafPeriod[]): OwnPeriod[] {
  const unmatched = [...decoded];
  return record.fcsts.map((fcst) => {
    const change = changeOf(fcst, record.icaoId);
    const from = new Date(fcst.timeFrom * 1000);
    const index = unmatched.findIndex((d) => family(d.change) === family(change) && d.from.getTime() === from.getTime());
    const text = index >= 0 ? unmatched.splice(index, 1)[0]!.elements : null;
    return { change, probability: fcst.probability, from, to: new Date(fcst.timeTo * 1000), elements: fillFromRaw(awcElements(fcst), text) };
  });
}

// A FM group has no end of its own: it lasts until the next FM, or the end of the TAF; so do the
// opening conditions.
function fromText(decoded: DecodedTafPeriod[], validTo: Date): OwnPeriod[] {
  return decoded.map((period, i) => {
    const nextFm = decoded.slice(i + 1).find((d) => d.change === 'FM');
    const to = period.change === 'INITIAL' || period.change === 'FM' ? (nextFm?.from ?? validTo) : (period.to ?? validTo);
    return { change: period.change, probability: period.probability, from: period.from, to, elements: period.elements };
  });
}

// The JSON and the decoder may file "PROB30 TEMPO" under either name, so they match as one family.
function family(change: TafChange): string {
  return change === 'PROB' ? 'TEMPO' : change;
}

function changeOf(fcst: WireTafPeriod, station: string): TafChange {
  const code = fcst.fcstChange?.trim().toUpperCase() ?? null;
  if (code === null) return 'INITIAL';
  if (code === 'FM' || code === 'BECMG' || code === 'TEMPO' || code === 'PROB') return code;
  // Intermittent (Australia): a short fluctuation, like TEMPO.
  if (code === 'INTER') return 'TEMPO';
  throw new WeatherFormatError(`TAF ${station}: expected fcstChange FM, BECMG, TEMPO, PROB or null, received ${JSON.stringify(fcst.fcstChange)}`);
}

function withInheritance(periods: OwnPeriod[]): TafPeriod[] {
  let prevailing: Elements = {};
  return periods.map(({ change, probability, from, to, elements: own }) => {
    let elements: Elements;
    if (change === 'INITIAL' || change === 'FM') {
      elements = own;
      prevailing = own;
    } else if (change === 'BECMG') {
      elements = inherit(own, prevailing);
      prevailing = elements;
    } else {
      elements = inherit(own, prevailing);
    }
    return { change, probability, from, to, ...resolve(elements) };
  });
}

/** "2026-08-12T23:05:00.000Z", "2023-11-03 23:20:00.000Z" or "2023-10-27 15:25:34" (UTC), or null. */
function awcTime(value: string | null): Date | null {
  if (value === null) return null;
  const iso = value.trim().replace(' ', 'T');
  const date = new Date(/(?:Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}
