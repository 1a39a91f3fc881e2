import { disruptionAt, type Place } from './disruption.ts';
import { smoothNoise, unit } from './random.ts';
import { DAY_MS, HOUR_MS } from './time.ts';

/** A weather station: an airport with an ICAO code. */
export interface Station extends Place {
  elevationM: number;
}

export type CloudCover = 'FEW' | 'SCT' | 'BKN' | 'OVC';
export type FlightCategory = 'VFR' | 'MVFR' | 'IFR' | 'LIFR';

export interface CloudLayer {
  cover: CloudCover;
  baseFt: number;
  /** Cumulonimbus: thunderstorms. */
  cb: boolean;
}

/** The weather at a station at an instant, before any report rounds it. */
export interface Conditions {
  /** Degrees (10° steps, 360 for north), 'VRB', or 0 when calm. */
  windDirection: number | 'VRB';
  windSpeedKt: number;
  gustKt: number | null;
  visibilityM: number;
  /** Present weather, METAR-coded: '-RA', 'BR', 'FG', '+TSRA' … */
  weather: string[];
  clouds: CloudLayer[];
  /** Sky obscured (fog): vertical visibility in feet instead of a cloud base. */
  verticalVisibilityFt: number | null;
  temperatureC: number;
  dewpointC: number;
  qnhHpa: number;
  /** The category the model aimed at; reports recompute it from what they print. */
  category: FlightCategory;
}

// Cut points of the badness index, tuned so that over all hours of a year about 76 % are VFR,
// 13 % MVFR, 7 % IFR and 5 % LIFR (test/unit/sandbox-model.test.ts measures it), most of the
// IFR and LIFR hours falling on bad days.
const MVFR_FROM = 0.68;
const IFR_FROM = 0.775;
const LIFR_FROM = 0.855;
// Clear air: over 10 statute miles, so US stations report 10SM and the rest 9999.
const UNLIMITED_VISIBILITY_M = 16_500;

/**
 * The weather at a station: temperature from latitude, season, hour and elevation; wind,
 * pressure and a "badness" index drifting as smooth noise; bad days (disruptionAt) pushing
 * badness up; fog favoured at dawn. Every report — METAR, TAF, the delays — reads this.
 */
export function conditionsAt(station: Station, utcMs: number): Conditions {
  const k = station.key;
  const severity = disruptionAt(station, utcMs);
  const solarHour = (((utcMs % DAY_MS) / HOUR_MS + station.longitude / 15) % 24 + 24) % 24;
  const hourIndex = Math.floor(utcMs / HOUR_MS);

  const dawn = solarHour >= 2 && solarHour <= 9 ? 0.06 * Math.sin(((solarHour - 2) / 7) * Math.PI) : 0;
  const badness =
    0.65 * smoothNoise(`${k}|bad-fast`, utcMs, 7 * HOUR_MS) +
    0.35 * smoothNoise(`${k}|bad-slow`, utcMs, 37 * HOUR_MS) +
    0.3 * severity +
    dawn;
  const category: FlightCategory = badness >= LIFR_FROM ? 'LIFR' : badness >= IFR_FROM ? 'IFR' : badness >= MVFR_FROM ? 'MVFR' : 'VFR';

  const temperatureC = round1(temperature(station, utcMs, solarHour, badness));
  const thunder =
    temperatureC >= 20 && solarHour >= 12 && solarHour <= 21 && category !== 'VFR' && unit(k, 'thunder-day', Math.floor(utcMs / DAY_MS)) < 0.35;
  const sky = skyFor(k, hourIndex, category, bandFraction(badness, category), temperatureC, thunder, solarHour);

  const spread = category === 'LIFR' ? 0.4 : category === 'IFR' ? 1.2 : category === 'MVFR' ? 2.5 : 3 + 9 * smoothNoise(`${k}|dry`, utcMs, 40 * HOUR_MS);
  const dewpointC = round1(temperatureC - spread - 0.5 * unit(k, 'spread', hourIndex));

  let windSpeedKt = Math.round(
    2 + 11 * smoothNoise(`${k}|wind`, utcMs, 9 * HOUR_MS) + 6 * Math.max(0, badness - 0.5) + 3 * daytime(solarHour) + 10 * severity,
  );
  const prevailing = unit(k, 'prevailing-wind') * 360;
  let windDirection: number | 'VRB' = roundDirection(prevailing + 160 * (smoothNoise(`${k}|veer`, utcMs, 20 * HOUR_MS) - 0.5));
  let gustKt: number | null = null;
  if (windSpeedKt >= 12 && (thunder || unit(k, 'gust', hourIndex) < 0.45)) gustKt = windSpeedKt + 8 + Math.floor(unit(k, 'gust-size', hourIndex) * 12);
  if (windSpeedKt < 3) {
    if (unit(k, 'calm', hourIndex) < 0.5) {
      windSpeedKt = 0;
      windDirection = 0;
    } else {
      windDirection = 'VRB';
    }
  }

  const qnhHpa = round1(1013 + 30 * (smoothNoise(`${k}|pressure`, utcMs, 50 * HOUR_MS) - 0.5) - 14 * (badness - 0.5) - 8 * severity);
  return { windDirection, windSpeedKt, gustKt, ...sky, temperatureC, dewpointC, qnhHpa, category };
}

/** FAA categories from ceiling (feet) and visibility (statute miles). */
export function categoryOf(ceilingFt: number | null, visibilitySm: number): FlightCategory {
  const ceiling = ceilingFt ?? Infinity;
  if (ceiling < 500 || visibilitySm < 1) return 'LIFR';
  if (ceiling < 1000 || visibilitySm < 3) return 'IFR';
  if (ceiling <= 3000 || visibilitySm <= 5) return 'MVFR';
  return 'VFR';
}

/** The lowest broken or overcast layer, or the vertical visibility. */
export function ceilingOf(c: Pick<Conditions, 'clouds' | 'verticalVisibilityFt'>): number | null {
  if (c.verticalVisibilityFt !== null) return c.verticalVisibilityFt;
  const bases = c.clouds.filter((l) => l.cover === 'BKN' || l.cover === 'OVC').map((l) => l.baseFt);
  return bases.length ? Math.min(...bases) : null;
}

function temperature(station: Station, utcMs: number, solarHour: number, badness: number): number {
  const latitude = Math.abs(station.latitude);
  const annualMean = 28 - 0.55 * Math.max(0, latitude - 15) - 0.0065 * station.elevationM;
  // The southern hemisphere is mostly ocean: its seasons swing less at the same latitude.
  const amplitude = Math.min(18, (station.latitude >= 0 ? 0.28 : 0.18) * latitude);
  const dayOfYear = ((utcMs % (365.25 * DAY_MS)) + 365.25 * DAY_MS) % (365.25 * DAY_MS) / DAY_MS;
  // Warmest in late July north of the equator, late January south of it.
  const season = Math.cos((2 * Math.PI * (dayOfYear - 200)) / 365.25) * (station.latitude >= 0 ? 1 : -1);
  // Cloud damps the day's swing.
  const diurnal = 4.5 * (1 - 0.6 * Math.min(1, badness)) * Math.cos((2 * Math.PI * (solarHour - 15)) / 24);
  const synoptic = 8 * (smoothNoise(`${station.key}|warm`, utcMs, 60 * HOUR_MS) - 0.5) + 3 * (smoothNoise(`${station.key}|warm2`, utcMs, 13 * HOUR_MS) - 0.5);
  return annualMean + amplitude * season + diurnal + synoptic;
}

/** How deep into its category the badness is, 0 at the category's edge to 1. */
function bandFraction(badness: number, category: FlightCategory): number {
  const [low, high] =
    category === 'LIFR' ? [LIFR_FROM, LIFR_FROM + 0.15] : category === 'IFR' ? [IFR_FROM, LIFR_FROM] : category === 'MVFR' ? [MVFR_FROM, IFR_FROM] : [0.25, MVFR_FROM];
  return Math.min(1, Math.max(0, (badness - low) / (high - low)));
}

type Sky = Pick<Conditions, 'visibilityM' | 'weather' | 'clouds' | 'verticalVisibilityFt'>;

function skyFor(k: string, hourIndex: number, category: FlightCategory, f: number, temperatureC: number, thunder: boolean, solarHour: number): Sky {
  const u = (what: string) => unit(k, what, hourIndex);
  const precipitation = temperatureC <= 0.5 ? 'SN' : u('drizzle') < 0.25 ? 'DZ' : 'RA';
  const lerp = (from: number, to: number) => from + (to - from) * f;

  if (category === 'VFR') {
    const layers = Math.floor(u('layers') * 3);
    const clouds: CloudLayer[] = [];
    let base = 2500 + Math.floor(u('base') * 8) * 500;
    for (let i = 0; i < layers; i++) {
      // Broken layers only high enough to stay VFR; closer to MVFR, more of the sky covered.
      const cover: CloudCover = base > 5000 && f > 0.6 && u(`bkn${i}`) < 0.5 ? 'BKN' : u(`cover${i}`) < 0.5 ? 'FEW' : 'SCT';
      clouds.push({ cover, baseFt: base, cb: false });
      base = Math.min(25_000, base * 2 + 1000);
    }
    const haze = f > 0.8 && u('haze') < 0.3;
    return { visibilityM: haze ? 9700 : UNLIMITED_VISIBILITY_M, weather: haze ? ['HZ'] : [], clouds, verticalVisibilityFt: null };
  }

  if (category === 'MVFR') {
    const ceiling = Math.round(lerp(3000, 1100) / 100) * 100;
    const wet = u('wet') < 0.55;
    const visibilityM = Math.round(lerp(9000, 5000) / 100) * 100;
    const weather = thunder ? ['-TSRA'] : wet ? [`-${precipitation}`] : visibilityM < 8000 ? ['BR'] : [];
    const clouds: CloudLayer[] = [{ cover: u('mvfr-cover') < 0.5 ? 'BKN' : 'OVC', baseFt: ceiling, cb: false }];
    if (thunder) clouds.unshift({ cover: 'SCT', baseFt: Math.max(1500, ceiling - 1000), cb: true });
    if (u('mvfr-upper') < 0.5) clouds.push({ cover: 'OVC', baseFt: ceiling + 2000 + Math.floor(u('upper') * 5) * 1000, cb: false });
    return { visibilityM, weather, clouds: sortLayers(clouds), verticalVisibilityFt: null };
  }

  if (category === 'IFR') {
    const ceiling = Math.round(lerp(900, 500) / 100) * 100;
    const visibilityM = Math.round(lerp(4800, 1700) / 100) * 100;
    const intensity = f > 0.6 ? '' : '-';
    const weather = thunder ? [`${intensity}TSRA`, 'BR'] : [`${intensity}${precipitation}`, 'BR'];
    const clouds: CloudLayer[] = [{ cover: 'OVC', baseFt: ceiling, cb: false }];
    if (thunder) clouds.unshift({ cover: 'BKN', baseFt: Math.max(ceiling, 1500), cb: true });
    else if (u('ifr-under') < 0.4) clouds.unshift({ cover: 'SCT', baseFt: Math.max(200, ceiling - 300), cb: false });
    return { visibilityM, weather, clouds: sortLayers(clouds), verticalVisibilityFt: null };
  }

  // LIFR: fog at night and dawn (or when it is not raining), otherwise heavy precipitation.
  const fog = (solarHour < 10 || solarHour > 20 || u('fog') < 0.5) && !thunder;
  if (fog) {
    const visibilityM = Math.max(100, Math.round(lerp(900, 100) / 50) * 50);
    const vv = Math.max(100, Math.round(lerp(400, 100) / 100) * 100);
    return { visibilityM, weather: ['FG'], clouds: [], verticalVisibilityFt: vv };
  }
  const ceiling = Math.max(100, Math.round(lerp(400, 200) / 100) * 100);
  const visibilityM = Math.round(lerp(1500, 600) / 100) * 100;
  const weather = thunder ? ['+TSRA', 'BR'] : [`+${precipitation}`, 'BR'];
  const clouds: CloudLayer[] = [{ cover: 'OVC', baseFt: ceiling, cb: false }];
  if (thunder) clouds.push({ cover: 'BKN', baseFt: Math.max(1500, ceiling + 1000), cb: true });
  return { visibilityM, weather, clouds: sortLayers(clouds), verticalVisibilityFt: null };
}

function sortLayers(layers: CloudLayer[]): CloudLayer[] {
  return layers.sort((a, b) => a.baseFt - b.baseFt);
}

function daytime(solarHour: number): number {
  return solarHour >= 9 && solarHour <= 18 ? Math.sin(((solarHour - 9) / 9) * Math.PI) : 0;
}

function roundDirection(degrees: number): number {
  const d = Math.round((((degrees % 360) + 360) % 360) / 10) * 10;
  return d === 0 ? 360 : d;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
