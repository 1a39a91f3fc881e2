/** Contrail's aerodrome weather, whatever upstream it came from. Every instant is UTC. */

export type FlightCategory = 'VFR' | 'MVFR' | 'IFR' | 'LIFR';

export interface Wind {
  /** True direction the wind blows from; null when variable ("VRB"). Calm is 0 at 0 kt. */
  directionDegrees: number | null;
  variable: boolean;
  speedKt: number;
  gustKt: number | null;
}

/**
 * Prevailing visibility in metres: the unit of ICAO reports everywhere outside North America, and
 * one unit for GraphQL to expose (a statute mile is exactly 1609.344 m, so a client can show miles).
 * Rounded to the metre; a report that gives a floor ("10+" SM, "P6SM", "9999") is flagged.
 */
export interface Visibility {
  meters: number;
  /** The report said "this or more": 10+ SM is ≥ 16093 m, P6SM ≥ 9656 m, 9999 ≥ 10000 m. */
  orMore: boolean;
}

/** FEW/SCT/BKN/OVC, or OVX: sky obscured (fog, smoke), whose base is the vertical visibility. */
export type CloudCover = 'FEW' | 'SCT' | 'BKN' | 'OVC' | 'OVX';

export interface CloudLayer {
  cover: CloudCover;
  /** Feet above ground; null when the report could not measure it ("BKN///"). */
  baseFt: number | null;
  /** Convective type when reported: "CB" (cumulonimbus) or "TCU" (towering cumulus). */
  type: string | null;
}

export interface Metar {
  /** ICAO station, e.g. "KJFK". */
  station: string;
  observedAt: Date;
  temperatureC: number | null;
  dewPointC: number | null;
  wind: Wind | null;
  visibility: Visibility | null;
  altimeterHpa: number | null;
  /** Cloud layers, lowest first; empty for a clear sky (CLR, SKC, NSC, NCD, CAVOK) or none reported. */
  clouds: CloudLayer[];
  /** Vertical visibility into an obscured sky ("VV002" → 200). */
  verticalVisibilityFt: number | null;
  /** Lowest broken, overcast or obscured layer, or the vertical visibility; null: no ceiling. */
  ceilingFt: number | null;
  /** Present weather as reported, e.g. "-SHRA BR"; null for none. */
  weather: string | null;
  /** Computed from ceiling and visibility (see flight-category.ts); null when neither was reported. */
  flightCategory: FlightCategory | null;
  raw: string;
}

/** How a TAF period relates to the ones before it. INITIAL is the forecast's opening conditions. */
export type TafChange = 'INITIAL' | 'FM' | 'BECMG' | 'TEMPO' | 'PROB';

/**
 * One period of a TAF. BECMG, TEMPO and PROB periods only forecast what changes; the rest is
 * filled in from the prevailing forecast (see taf.ts), so every period reads as complete weather.
 */
export interface TafPeriod {
  change: TafChange;
  /** Percent, for PROB30/PROB40 (alone or with TEMPO); null otherwise. */
  probability: number | null;
  from: Date;
  to: Date;
  wind: Wind | null;
  visibility: Visibility | null;
  clouds: CloudLayer[];
  verticalVisibilityFt: number | null;
  ceilingFt: number | null;
  weather: string | null;
  flightCategory: FlightCategory | null;
}

export interface Taf {
  station: string;
  issuedAt: Date;
  validFrom: Date;
  validTo: Date;
  raw: string;
  periods: TafPeriod[];
}
