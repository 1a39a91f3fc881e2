import { CloudQuantity, parseMetar, parseTAF, WeatherChangeType, type IAbstractWeatherContainer, type IWind } from 'metar-taf-parser';
import type { Elements } from './elements.ts';
import type { CloudLayer, TafChange, Wind } from './types.ts';
import { hectopascals, knots, visibilityInMeters, visibilityInMiles } from './units.ts';

/**
 * Raw METAR and TAF text decoded with metar-taf-parser, as the fallback that fills what the JSON
 * leaves out. A report the decoder cannot read yields null: the JSON still stands on its own.
 */

export interface DecodedMetar {
  elements: Elements;
  temperatureC: number | null;
  dewPointC: number | null;
  altimeterHpa: number | null;
}

export function decodeMetarText(raw: string): DecodedMetar | null {
  let metar;
  try {
    metar = parseMetar(raw);
  } catch {
    return null;
  }
  return {
    elements: containerElements(metar, raw),
    temperatureC: metar.temperature ?? null,
    dewPointC: metar.dewPoint ?? null,
    altimeterHpa: metar.altimeter ? (metar.altimeter.unit === 'inHg' ? hectopascals(metar.altimeter.value) : metar.altimeter.value) : null,
  };
}

export interface DecodedTafPeriod {
  change: TafChange;
  probability: number | null;
  from: Date;
  to: Date | null;
  elements: Elements;
}

/** The opening conditions, then each change group in the order written. */
export function decodeTafText(raw: string, issued: Date): DecodedTafPeriod[] | null {
  let taf;
  try {
    taf = parseTAF(raw, { issued });
  } catch {
    return null;
  }
  const initial: DecodedTafPeriod = { change: 'INITIAL', probability: null, from: taf.validity.start, to: taf.validity.end, elements: containerElements(taf, taf.initialRaw) };
  const trends = taf.trends.map((trend) => ({
    change: changeOf(trend.type),
    probability: trend.probability ?? null,
    from: trend.validity.start,
    to: trend.validity.end ?? null,
    elements: containerElements(trend, trend.raw),
  }));
  return [initial, ...trends];
}

/** INTER (intermittent, used in Australia) is read as TEMPO: both are short fluctuations that do not last. */
function changeOf(type: WeatherChangeType): TafChange {
  switch (type) {
    case WeatherChangeType.FM:
      return 'FM';
    case WeatherChangeType.BECMG:
      return 'BECMG';
    case WeatherChangeType.PROB:
      return 'PROB';
    default:
      return 'TEMPO';
  }
}

const LAYER_QUANTITIES = new Set<string>([CloudQuantity.FEW, CloudQuantity.SCT, CloudQuantity.BKN, CloudQuantity.OVC]);

// The decoder drops CLR and NCD without a trace, so a clear sky is also recognised in the text.
const CLEAR_SKY = /(?:^|\s)(?:CLR|SKC|NSC|NCD)(?=\s|$)/;
const NO_SIGNIFICANT_WEATHER = /(?:^|\s)NSW(?=\s|$)/;

function containerElements(container: IAbstractWeatherContainer, text: string): Elements {
  const elements: Elements = {};
  if (container.wind) elements.wind = toWind(container.wind);

  if (container.visibility) {
    const { value, unit, indicator } = container.visibility;
    const orMore = indicator === 'P';
    elements.visibility = unit === 'SM' ? visibilityInMiles(sixteenths(value), orMore) : visibilityInMeters(value, orMore);
  }

  const layers: CloudLayer[] = container.clouds
    .filter((c) => LAYER_QUANTITIES.has(c.quantity))
    .map((c) => ({ cover: c.quantity as CloudLayer['cover'], baseFt: c.height ?? null, type: c.type ?? null }));
  const vv = container.verticalVisibility ?? null;
  if (layers.length > 0 || vv !== null || container.cavok || container.clouds.length > 0 || CLEAR_SKY.test(text)) {
    elements.sky = { clouds: layers, verticalVisibilityFt: vv };
  }

  if (container.weatherConditions.length > 0) {
    elements.weather = container.weatherConditions.map((w) => `${w.intensity ?? ''}${w.descriptive ?? ''}${w.phenomenons.join('')}`).join(' ');
  } else if (container.cavok || NO_SIGNIFICANT_WEATHER.test(text)) {
    elements.weather = null;
  }
  return elements;
}

// The decoder rounds fractions to two places (1/8 SM → 0.13). Reported miles are always whole
// sixteenths (1/16, 1/8, 3/16, 1/4 …), so snapping back restores the exact value.
function sixteenths(sm: number): number {
  return Math.round(sm * 16) / 16;
}

function toWind(wind: IWind): Wind {
  const variable = wind.degrees === undefined;
  return {
    directionDegrees: variable ? null : wind.degrees!,
    variable,
    speedKt: knots(wind.speed, wind.unit),
    gustKt: wind.gust === undefined ? null : knots(wind.gust, wind.unit),
  };
}
