import { categoryOf, ceilingOf, type CloudLayer, type Conditions, type FlightCategory, type Station } from './weather.ts';
import type { SandboxAirport } from './world.ts';

/**
 * The code groups METARs and TAFs share, and their JSON twins as aviationweather.gov decodes
 * them: the text is what a parser reads back, the JSON is derived from the same rounded values
 * so the two never disagree.
 */

/** A station with what its reports need: US-style (statute miles, inches) or ICAO (metres, hPa). */
export interface ReportingStation extends Station {
  icao: string;
  name: string;
  latitude: number;
  longitude: number;
  /** Statute miles and an altimeter in inches (USA, its Pacific territories, Canada). */
  statuteMiles: boolean;
  /** The US remarks: AO2, sea-level pressure, tenths of degrees. */
  usRemarks: boolean;
}

export function reportingStation(airport: SandboxAirport): ReportingStation {
  const icao = airport.icao!;
  return {
    key: icao,
    icao,
    name: airport.countryCode ? `${airport.name}, ${airport.countryCode}` : airport.name,
    latitude: airport.latitude,
    longitude: airport.longitude,
    elevationM: Math.round((airport.altitudeFt ?? 0) * 0.3048),
    statuteMiles: /^[KPC]/.test(icao),
    usRemarks: /^[KP]/.test(icao),
  };
}

const METRES_PER_MILE = 1609.344;
// Reportable US visibilities; a value between two is reported as the lower.
const MILE_STEPS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 7, 8, 9, 10];
const FRACTIONS: Record<string, string> = { '0.25': '1/4', '0.5': '1/2', '0.75': '3/4' };

export interface Visibility {
  text: string;
  /** aviationweather.gov's `visib`: miles, or "10+" / "6+" past the top of the scale. */
  json: number | string;
  miles: number;
}

/** Visibility as a METAR (top of scale 10 SM / 9999 m) or TAF (P6SM / 9999) reports it. */
export function visibility(station: ReportingStation, metres: number, report: 'metar' | 'taf'): Visibility {
  if (station.statuteMiles) {
    const exact = metres / METRES_PER_MILE;
    if (exact < 0.25) return { text: 'M1/4SM', json: 0.25, miles: 0.25 };
    const miles = MILE_STEPS.filter((step) => step <= exact).at(-1)!;
    if (report === 'taf' && miles >= 6) return { text: 'P6SM', json: '6+', miles };
    if (miles >= 10) return { text: '10SM', json: '10+', miles };
    return { text: `${milesText(miles)}SM`, json: miles, miles };
  }
  if (metres >= 9999) return { text: '9999', json: '6+', miles: metres / METRES_PER_MILE };
  const step = metres < 800 ? 50 : metres < 5000 ? 100 : 1000;
  const reported = Math.floor(metres / step) * step;
  const miles = reported / METRES_PER_MILE;
  return { text: String(reported).padStart(4, '0'), json: Math.round(miles * 100) / 100, miles };
}

function milesText(miles: number): string {
  const whole = Math.floor(miles);
  const fraction = FRACTIONS[String(miles - whole)];
  if (!fraction) return String(whole);
  return whole === 0 ? fraction : `${whole} ${fraction}`;
}

export function windText(c: Pick<Conditions, 'windDirection' | 'windSpeedKt' | 'gustKt'>): string {
  const speed = String(c.windSpeedKt).padStart(2, '0');
  const gust = c.gustKt === null ? '' : `G${String(c.gustKt).padStart(2, '0')}`;
  if (c.windSpeedKt === 0) return '00000KT';
  const direction = c.windDirection === 'VRB' ? 'VRB' : String(c.windDirection).padStart(3, '0');
  return `${direction}${speed}${gust}KT`;
}

export function cloudText(layer: CloudLayer): string {
  return `${layer.cover}${String(Math.round(layer.baseFt / 100)).padStart(3, '0')}${layer.cb ? 'CB' : ''}`;
}

export function verticalVisibilityText(feet: number): string {
  return `VV${String(Math.round(feet / 100)).padStart(3, '0')}`;
}

/** Whole degrees as METAR writes them: M for minus, M00 for a negative value that rounds to 0. */
export function temperatureText(celsius: number): string {
  const rounded = Math.round(celsius);
  const negative = rounded < 0 || (rounded === 0 && celsius < 0);
  return `${negative ? 'M' : ''}${String(Math.abs(rounded)).padStart(2, '0')}`;
}

/** `ddhhmmZ` */
export function dayTime(utcMs: number): string {
  const d = new Date(utcMs);
  return [d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()].map((n) => String(n).padStart(2, '0')).join('') + 'Z';
}

/** The category aviationweather.gov derives from what the report says. */
export function reportedCategory(c: Pick<Conditions, 'clouds' | 'verticalVisibilityFt'>, miles: number): FlightCategory {
  return categoryOf(ceilingOf(c), miles);
}

/** Whether an ICAO station reports CAVOK: 10 km or more, no cloud below 5000 ft, no CB, no weather. */
export function isCavok(station: ReportingStation, c: Conditions): boolean {
  return (
    !station.statuteMiles &&
    c.visibilityM >= 10_000 &&
    c.weather.length === 0 &&
    c.verticalVisibilityFt === null &&
    c.clouds.every((l) => l.baseFt >= 5000 && !l.cb)
  );
}
